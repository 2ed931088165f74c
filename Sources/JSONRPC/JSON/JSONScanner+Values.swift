extension JSONScanner {
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

    /// Scans the value at `index` as ``parseValue(depth:)`` does (same syntax, UTF-8 and depth checks, same
    /// errors at the same offsets) without building it: for request members the dispatcher ignores.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard index < end else { throw unexpected(at: index, expecting: "a value") }
        let opener = byte(index)
        switch opener {
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth <= maxDepth else { throw depthExceeded(at: index) }
            let isObject = opener == UInt8(ascii: "{")
            let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if index < end && byte(index) == closer {
                index += 1
                return
            }
            while true {
                if isObject { _ = try scanKey() }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < end else {
                    throw unexpected(at: index, expecting: isObject ? "',' or '}'" : "',' or ']'")
                }
                let next = byte(index)
                index += 1
                if next == UInt8(ascii: ",") {
                    skipWhitespace()
                } else if next == closer {
                    return
                } else {
                    throw unexpected(at: index - 1, expecting: isObject ? "',' or '}'" : "',' or ']'")
                }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
        case UInt8(ascii: "t"):
            try scanLiteral("true")
        case UInt8(ascii: "f"):
            try scanLiteral("false")
        case UInt8(ascii: "n"):
            try scanLiteral("null")
        default:
            throw unexpected(at: index, expecting: "a value")
        }
    }
}
