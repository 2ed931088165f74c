extension JSONScanner {
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

    /// The value of the four hex digits at `position`.
    func hexQuad(at position: Int) throws(JSONParseError) -> UInt32 {
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
}
