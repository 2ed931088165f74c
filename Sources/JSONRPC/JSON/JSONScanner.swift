/// The strict JSON byte scanner behind ``JSONParser`` and the dispatcher's request reader.
///
/// It reads raw bytes (no copy, no `String` until a value is built), validates UTF-8 inside strings as it goes,
/// and recurses at most `maxDepth` levels: nesting deeper than that throws `depthLimitExceeded` before anything
/// deeper is built, so hostile input like a megabyte of `[` cannot exhaust the stack.
///
/// The scanning itself lives in extensions by idea: values (`+Values`), numbers (`+Number`), string tokens
/// (`+String`) and building `String`s from them (`+StringDecoding`); requests and whole-document validation
/// have their own (`+Request`, `+Validation`).
struct JSONScanner {
    let base: UnsafeRawPointer
    let end: Int
    var index: Int
    let maxDepth: Int

    init(_ buffer: UnsafeRawBufferPointer, maxDepth: Int) {
        // An empty buffer may have no base address; any non-null pointer will do because it is never read.
        self.base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        self.end = buffer.count
        self.index = 0
        self.maxDepth = min(maxDepth, JSONParser.depthCeiling)
    }

    @inline(__always)
    func byte(_ position: Int) -> UInt8 {
        base.load(fromByteOffset: position, as: UInt8.self)
    }

    @inline(__always)
    var atEnd: Bool { index >= end }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            switch byte(index) {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    // MARK: Errors

    func failure(_ code: JSONParseError.Code, _ message: String, at offset: Int) -> JSONParseError {
        JSONParseError(code: code, message: message, offset: offset)
    }

    func unexpected(at offset: Int, expecting: String) -> JSONParseError {
        guard offset < end else {
            return failure(.unexpectedEnd, "unexpected end of input, expected \(expecting)", at: offset)
        }
        let value = byte(offset)
        let shown: String
        if value >= 0x21 && value < 0x7F {
            shown = "character '\(Character(Unicode.Scalar(value)))'"
        } else {
            shown = "byte 0x" + String(value, radix: 16, uppercase: true)
        }
        return failure(.invalidSyntax, "unexpected \(shown), expected \(expecting)", at: offset)
    }

    func depthExceeded(at offset: Int) -> JSONParseError {
        failure(.depthLimitExceeded, "nesting deeper than the maximum depth of \(maxDepth)", at: offset)
    }

    // MARK: Literals

    /// Scans `literal` (`true`, `false` or `null`) at `index`, leaving `index` just after it.
    mutating func scanLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for offset in 0..<count {
            guard index + offset < end, byte(index + offset) == start[offset] else {
                throw unexpected(at: index + offset, expecting: "'\(literal)'")
            }
        }
        index += count
    }
}
