/// A strict RFC 8259 JSON parser over raw bytes.
///
/// It rejects everything the RFC does not allow (trailing commas, leading zeros, comments, single quotes,
/// `NaN`, raw control characters, lone surrogate escapes, ill-formed UTF-8, data after the value) and nesting
/// deeper than ``maxDepth``. The top-level value is depth 1; each enclosing array or object adds one.
public struct JSONParser: Sendable {
    /// The deepest nesting of arrays and objects accepted; the top-level container is depth 1. Values above
    /// ``depthCeiling`` act as ``depthCeiling``.
    public var maxDepth: Int

    /// The deepest nesting ever accepted, whatever `maxDepth` says.
    ///
    /// Parsing, serializing and comparing values recurse once per level; this bound keeps that within a thread's
    /// stack (measured: about 1.7 kB per level in debug builds, well under 1 kB in release builds).
    public static let depthCeiling = 1_000

    /// Creates a parser accepting nesting up to `maxDepth`.
    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value, optionally surrounded by whitespace.
    ///
    /// - Throws: ``JSONParseError``; when the input is both too deep and malformed, the syntax error is reported.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var scanner = JSONScanner(bytes, maxDepth: maxDepth)
        scanner.skipWhitespace()
        guard !scanner.atEnd else { throw scanner.failure(.emptyInput, "no JSON value", at: scanner.index) }
        let value = try scanner.parseValue(depth: 1)
        scanner.skipWhitespace()
        guard scanner.atEnd else {
            throw scanner.failure(.trailingData, "unexpected data after the JSON value", at: scanner.index)
        }
        return value
    }

    /// Parses exactly one JSON value from `bytes`.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        // withUnsafeBytes only rethrows untyped errors, so the typed error travels in a Result.
        try bytes.withUnsafeBytes { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
    }

    /// Parses exactly one JSON value from the UTF-8 of `text`.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }.get()
    }
}
