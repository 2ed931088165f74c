/// The strict JSON byte scanner behind ``JSONParser`` and the dispatcher's request reader.
///
/// It reads raw bytes (no copy, no `String` until a value is built), validates UTF-8 inside strings as it goes,
/// and recurses at most `maxDepth` levels: nesting deeper than that throws `depthLimitExceeded` before anything
/// deeper is built, so hostile input like a megabyte of `[` cannot exhaust the stack.
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

    // MARK: Values

    /// Parses the value at `index` (whitespace already skipped); `depth` is the depth a container here would have.
    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < end else { throw unexpected(at: index, expecting: "a value") }
        switch byte(index) {
        case UInt8(ascii: "\""):
            let token = try scanString()
            return .string(decodeString(token))
        case UInt8(ascii: "{"):
            return .object(try parseObject(depth: depth))
        case UInt8(ascii: "["):
            return .array(try parseArray(depth: depth))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            try scanNumber()
            return .number(JSONNumber(validatedText: makeString(from: start, to: index)))
        case UInt8(ascii: "t"):
            try scanLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try scanLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            return .null
        default:
            throw unexpected(at: index, expecting: "a value")
        }
    }

    /// Parses the array at `index` (which is `[`).
    mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= maxDepth else { throw depthExceeded(at: index) }
        index += 1
        skipWhitespace()
        if index < end && byte(index) == UInt8(ascii: "]") {
            index += 1
            return []
        }
        var elements: [JSONValue] = []
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < end else { throw unexpected(at: index, expecting: "',' or ']'") }
            let next = byte(index)
            index += 1
            if next == UInt8(ascii: ",") {
                skipWhitespace()
            } else if next == UInt8(ascii: "]") {
                return elements
            } else {
                throw unexpected(at: index - 1, expecting: "',' or ']'")
            }
        }
    }

    /// Parses the object at `index` (which is `{`).
    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= maxDepth else { throw depthExceeded(at: index) }
        index += 1
        skipWhitespace()
        if index < end && byte(index) == UInt8(ascii: "}") {
            index += 1
            return JSONObject()
        }
        var members: [JSONObject.Member] = []
        while true {
            let key = try scanKey()
            let value = try parseValue(depth: depth + 1)
            members.append((decodeString(key), value))
            skipWhitespace()
            guard index < end else { throw unexpected(at: index, expecting: "',' or '}'") }
            let next = byte(index)
            index += 1
            if next == UInt8(ascii: ",") {
                skipWhitespace()
            } else if next == UInt8(ascii: "}") {
                return JSONObject(parsedMembers: members)
            } else {
                throw unexpected(at: index - 1, expecting: "',' or '}'")
            }
        }
    }

    /// Scans `"key" :` at `index` and any whitespace after the colon.
    mutating func scanKey() throws(JSONParseError) -> StringToken {
        guard index < end && byte(index) == UInt8(ascii: "\"") else {
            throw unexpected(at: index, expecting: "a string key")
        }
        let key = try scanString()
        skipWhitespace()
        guard index < end && byte(index) == UInt8(ascii: ":") else { throw unexpected(at: index, expecting: "':'") }
        index += 1
        skipWhitespace()
        return key
    }

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

    // MARK: Numbers

    /// Scans a number token at `index`, leaving `index` just after it.
    mutating func scanNumber() throws(JSONParseError) {
        let start = index
        if byte(index) == UInt8(ascii: "-") { index += 1 }
        guard index < end else { throw failure(.invalidNumber, "incomplete number", at: start) }
        let first = byte(index)
        if first == UInt8(ascii: "0") {
            index += 1
            if index < end && isDigit(byte(index)) {
                throw failure(.invalidNumber, "leading zeros are not allowed", at: start)
            }
        } else if isDigit(first) {
            index += 1
            skipDigits()
        } else {
            throw failure(.invalidNumber, "a minus sign must be followed by a digit", at: start)
        }
        if index < end && byte(index) == UInt8(ascii: ".") {
            index += 1
            guard index < end && isDigit(byte(index)) else {
                throw failure(.invalidNumber, "a decimal point must be followed by a digit", at: start)
            }
            skipDigits()
        }
        if index < end && (byte(index) | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < end && (byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < end && isDigit(byte(index)) else {
                throw failure(.invalidNumber, "an exponent must have digits", at: start)
            }
            skipDigits()
        }
    }

    @inline(__always)
    func isDigit(_ value: UInt8) -> Bool {
        value &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    mutating func skipDigits() {
        while index < end && isDigit(byte(index)) { index += 1 }
    }

    /// The end of the number token starting at `start`, or `nil` if none starts there.
    static func numberTokenEnd(_ base: UnsafeRawPointer, start: Int, end: Int) -> Int? {
        var scanner = JSONScanner(UnsafeRawBufferPointer(start: base, count: end), maxDepth: 0)
        scanner.index = start
        guard start < end, (try? scanner.scanNumber()) != nil else { return nil }
        return scanner.index
    }

    // MARK: Strings

    /// The location of a scanned string's contents (between the quotes).
    struct StringToken {
        var start: Int
        var end: Int
        var hasEscapes: Bool
    }

    /// Scans and validates the string at `index` (which is `"`), leaving `index` after the closing quote.
    mutating func scanString() throws(JSONParseError) -> StringToken {
        let start = index + 1
        var position = start
        var hasEscapes = false
        while true {
            guard position < end else { throw failure(.unexpectedEnd, "unterminated string", at: index) }
            let value = byte(position)
            if value == UInt8(ascii: "\"") {
                break
            } else if value == UInt8(ascii: "\\") {
                hasEscapes = true
                position = try scanEscape(at: position)
            } else if value < 0x20 {
                throw failure(.invalidString, "unescaped control character in string", at: position)
            } else if value < 0x80 {
                position += 1
            } else {
                position = try scanUTF8Sequence(at: position)
            }
        }
        index = position + 1
        return StringToken(start: start, end: position, hasEscapes: hasEscapes)
    }

    /// Validates the escape at `position` (a backslash) and returns the position after it.
    private func scanEscape(at position: Int) throws(JSONParseError) -> Int {
        guard position + 1 < end else { throw failure(.unexpectedEnd, "unterminated string", at: position) }
        switch byte(position + 1) {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return position + 2
        case UInt8(ascii: "u"):
            let unit = try hexQuad(at: position + 2)
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate is only valid as the first half of an escaped pair.
                guard position + 7 < end, byte(position + 6) == UInt8(ascii: "\\"),
                    byte(position + 7) == UInt8(ascii: "u")
                else {
                    throw failure(.invalidString, "lone surrogate in \\u escape", at: position)
                }
                let low = try hexQuad(at: position + 8)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw failure(.invalidString, "lone surrogate in \\u escape", at: position)
                }
                return position + 12
            }
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw failure(.invalidString, "lone surrogate in \\u escape", at: position)
            }
            return position + 6
        default:
            throw failure(.invalidString, "invalid escape sequence", at: position)
        }
    }

    private func hexQuad(at position: Int) throws(JSONParseError) -> UInt32 {
        var result: UInt32 = 0
        for offset in 0..<4 {
            guard position + offset < end else {
                throw failure(.unexpectedEnd, "unterminated \\u escape", at: position + offset)
            }
            let value = byte(position + offset)
            let digit: UInt8
            switch value {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = value &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = value &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = value &- UInt8(ascii: "A") &+ 10
            default: throw failure(.invalidString, "invalid hex digit in \\u escape", at: position + offset)
            }
            result = result << 4 | UInt32(digit)
        }
        return result
    }

    /// Validates one multi-byte UTF-8 sequence at `position` (RFC 3629 table 3-7) and returns the position after it.
    private func scanUTF8Sequence(at position: Int) throws(JSONParseError) -> Int {
        let lead = byte(position)
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            secondLow = 0xA0  // no overlongs
        case 0xE1...0xEC, 0xEE...0xEF:
            length = 3
        case 0xED:
            length = 3
            secondHigh = 0x9F  // no UTF-16 surrogates
        case 0xF0:
            length = 4
            secondLow = 0x90  // no overlongs
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            secondHigh = 0x8F  // nothing beyond U+10FFFF
        default:
            throw failure(.invalidUTF8, "invalid UTF-8 lead byte", at: position)
        }
        guard position + length <= end else { throw failure(.invalidUTF8, "truncated UTF-8 sequence", at: position) }
        let second = byte(position + 1)
        guard second >= secondLow && second <= secondHigh else {
            throw failure(.invalidUTF8, "invalid UTF-8 sequence", at: position)
        }
        for offset in 2..<length where byte(position + offset) & 0xC0 != 0x80 {
            throw failure(.invalidUTF8, "invalid UTF-8 sequence", at: position)
        }
        return position + length
    }

    /// Builds the `String` for a scanned token, decoding escapes.
    func decodeString(_ token: StringToken) -> String {
        guard token.hasEscapes else { return makeString(from: token.start, to: token.end) }
        // Every escape is at least as long as what it decodes to, so the raw length is enough capacity.
        return String(unsafeUninitializedCapacity: token.end - token.start) { output in
            var read = token.start
            var written = 0
            while read < token.end {
                let value = byte(read)
                guard value == UInt8(ascii: "\\") else {
                    output[written] = value
                    written += 1
                    read += 1
                    continue
                }
                let kind = byte(read + 1)
                read += 2
                let simple: UInt8
                switch kind {
                case UInt8(ascii: "b"): simple = 0x08
                case UInt8(ascii: "f"): simple = 0x0C
                case UInt8(ascii: "n"): simple = 0x0A
                case UInt8(ascii: "r"): simple = 0x0D
                case UInt8(ascii: "t"): simple = 0x09
                case UInt8(ascii: "u"):
                    // Already validated by scanString, so the digits and surrogate pairing are well-formed.
                    var scalar = (try? hexQuad(at: read)) ?? 0xFFFD
                    read += 4
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        let low = (try? hexQuad(at: read + 2)) ?? 0xDC00
                        read += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    written += JSONScanner.encodeUTF8(scalar, into: output, at: written)
                    continue
                default: simple = kind  // '"', '\\' and '/' stand for themselves
                }
                output[written] = simple
                written += 1
            }
            return written
        }
    }

    private static func encodeUTF8(
        _ scalar: UInt32,
        into output: UnsafeMutableBufferPointer<UInt8>,
        at position: Int
    )
        -> Int
    {
        if scalar < 0x80 {
            output[position] = UInt8(scalar)
            return 1
        } else if scalar < 0x800 {
            output[position] = UInt8(0xC0 | (scalar >> 6))
            output[position + 1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        } else if scalar < 0x10000 {
            output[position] = UInt8(0xE0 | (scalar >> 12))
            output[position + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[position + 2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        } else {
            output[position] = UInt8(0xF0 | (scalar >> 18))
            output[position + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            output[position + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[position + 3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }

    /// Copies already-validated UTF-8 bytes into a `String` (small ones are stored inline, without allocating).
    func makeString(from start: Int, to stop: Int) -> String {
        let count = stop - start
        return String(unsafeUninitializedCapacity: count) { output in
            UnsafeMutableRawBufferPointer(output).copyMemory(
                from: UnsafeRawBufferPointer(start: base + start, count: count)
            )
            return count
        }
    }

    /// Whether the raw bytes of `token` are exactly `literal` (for matching keys without building a `String`).
    func tokenEquals(_ token: StringToken, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard token.end - token.start == count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where byte(token.start + offset) != start[offset] {
            return false
        }
        return true
    }
}
