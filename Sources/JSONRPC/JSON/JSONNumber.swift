/// A JSON number, kept as its exact source token so that it round-trips byte-for-byte.
///
/// A `JSONNumber` always holds a valid JSON number token (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`),
/// so it can never serialize as `NaN` or `Infinity`. Equality compares the tokens: `1`, `1.0` and `1e0` differ.
public struct JSONNumber: Sendable, Hashable {
    /// The exact number token, e.g. `1e3`, `1.50` or `-0`.
    public let text: String

    /// Wraps a token that is already known to be valid (the parser's fast path).
    init(validatedText: String) {
        self.text = validatedText
    }

    /// Creates a number from a JSON number token, or returns `nil` if `text` is not exactly one valid token.
    public init?(text: String) {
        var text = text
        let valid = text.withUTF8 { buffer -> Bool in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
            return JSONScanner.numberTokenEnd(base, start: 0, end: buffer.count) == buffer.count
        }
        guard valid else { return nil }
        self.text = text
    }

    /// Creates an integer number.
    public init(_ value: Int) {
        self.text = String(value)
    }

    /// Creates an integer number from any integer type.
    public init(_ value: some BinaryInteger) {
        self.text = String(value)
    }

    /// Creates a number that reads back as `value`, or `nil` if `value` is infinite or NaN.
    ///
    /// Integral values are written without a fraction (`3.0` becomes `3`), others in the shortest form that
    /// round-trips (`3.1` stays `3.1`).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.text = JSONNumber.shortestText(value.description)
    }

    /// Creates a number from a `Float`, or `nil` if it is infinite or NaN; uses the `Float`'s own shortest form.
    public init?(_ value: Float) {
        guard value.isFinite else { return nil }
        self.text = JSONNumber.shortestText(value.description)
    }

    // Swift's shortest round-trip description is valid JSON except for the trailing ".0" on integral values
    // (which the contract asks us not to emit) and "e+"/"e-" exponents, which JSON allows as they are.
    private static func shortestText(_ description: String) -> String {
        if description.hasSuffix(".0") {
            return String(description.dropLast(2))
        }
        return description
    }

    /// Whether the token is written as an integer (no fraction and no exponent), e.g. `12` but not `12.0` or `1e3`.
    public var isInteger: Bool {
        for byte in text.utf8 where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        {
            return false
        }
        return true
    }

    /// The exact integer value when the number is integral and fits in 64 bits (`1e3` is 1000, `1.5` is `nil`).
    public var int64: Int64? {
        var text = text
        return text.withUTF8 { JSONNumber.exactInt64($0) }
    }

    /// The nearest `Double`, or `nil` if the number is too large for one (e.g. `1e400`).
    public var double: Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    // Exact decimal-to-integer conversion: value = digits × 10^exponent, computed without going through Double so
    // that 64-bit integers stay exact.
    private static func exactInt64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let count = bytes.count
        var negative = false
        if index < count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        // Accumulate the significant digits as a negative magnitude so that Int64.min is representable.
        var magnitude: Int64 = 0
        var overflowDigits = false
        var exponent = 0
        var sawPoint = false
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                sawPoint = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                let digit = Int64(byte &- UInt8(ascii: "0"))
                if sawPoint { exponent -= 1 }
                if overflowDigits {
                    // Digits that no longer fit must all be zeros shifted into the exponent.
                    guard digit == 0 else { return nil }
                    exponent += 1
                } else {
                    let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times10.subtractingReportingOverflow(digit)
                    if o1 || o2 {
                        guard digit == 0 else { return nil }
                        overflowDigits = true
                        exponent += 1
                    } else {
                        magnitude = next
                    }
                }
            } else {
                break  // 'e' or 'E'
            }
            index += 1
        }
        if index < count {
            index += 1  // skip 'e'
            var expNegative = false
            if bytes[index] == UInt8(ascii: "+") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "-") {
                expNegative = true
                index += 1
            }
            var explicitExponent = 0
            while index < count {
                explicitExponent = explicitExponent * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                // Anything this large is either zero or out of range; clamp to keep the arithmetic safe.
                if explicitExponent > 100_000 { explicitExponent = 100_000 }
                index += 1
            }
            exponent += expNegative ? -explicitExponent : explicitExponent
        }
        if magnitude == 0 { return 0 }
        while exponent < 0 {
            guard magnitude % 10 == 0 else { return nil }
            magnitude /= 10
            exponent += 1
        }
        while exponent > 0 {
            let (next, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = next
            exponent -= 1
        }
        if negative { return magnitude }
        let (positive, overflow) = (0 as Int64).subtractingReportingOverflow(magnitude)
        return overflow ? nil : positive
    }
}

extension JSONNumber: CustomStringConvertible {
    /// The number token.
    public var description: String { text }
}

extension JSONNumber: ExpressibleByIntegerLiteral {
    /// An integer number.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}
