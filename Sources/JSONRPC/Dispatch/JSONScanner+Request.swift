extension JSONScanner {
    // Bits for the request members, used to spot duplicates without building key strings.
    private static let jsonrpcMember: UInt8 = 1
    private static let methodMember: UInt8 = 2
    private static let paramsMember: UInt8 = 4
    private static let idMember: UInt8 = 8

    /// Reads one request (or whatever value stands where a request should be) at `index`.
    ///
    /// Syntax errors and the depth limit throw, because they spoil the whole message; a well-formed value that is
    /// not a valid request comes back with `error` set, so that it gets its own -32600 answer.
    /// A duplicate `jsonrpc`, `method`, `params` or `id` is such an error; other members are ignored.
    mutating func scanCall(depth: Int) throws(JSONParseError) -> ParsedCall {
        guard index < end, byte(index) == UInt8(ascii: "{") else {
            _ = try parseValue(depth: depth)
            return ParsedCall(
                id: .null,
                method: "",
                params: .none,
                error: .invalidRequest("a request must be an object")
            )
        }
        guard depth <= maxDepth else { throw depthExceeded(at: index) }
        index += 1
        skipWhitespace()

        var seen: UInt8 = 0
        var problem: String?
        var method = ""
        var params = Params.none
        var id = ParsedCall.ID.absent
        var idUsable = true

        if index < end && byte(index) == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                let key = try scanKey()
                let member = member(of: key)
                if member != 0 && seen & member != 0 {
                    problem = problem ?? "duplicate member '\(decodeString(key))'"
                    if member == Self.idMember { idUsable = false }
                    _ = try parseValue(depth: depth + 1)
                } else {
                    seen |= member
                    switch member {
                    case Self.jsonrpcMember:
                        if !(try scanVersion(depth: depth + 1)) {
                            problem = problem ?? "'jsonrpc' must be \"2.0\""
                        }
                    case Self.methodMember:
                        if index < end && byte(index) == UInt8(ascii: "\"") {
                            method = decodeString(try scanString())
                        } else {
                            _ = try parseValue(depth: depth + 1)
                            problem = problem ?? "'method' must be a string"
                        }
                    case Self.paramsMember:
                        switch index < end ? byte(index) : 0 {
                        case UInt8(ascii: "["):
                            params = .positional(try parseArray(depth: depth + 1))
                        case UInt8(ascii: "{"):
                            params = .named(try parseObject(depth: depth + 1))
                        case UInt8(ascii: "n"):
                            try scanLiteral("null")
                        default:
                            _ = try parseValue(depth: depth + 1)
                            problem = problem ?? "'params' must be an array or an object"
                        }
                    case Self.idMember:
                        let start = index
                        switch index < end ? byte(index) : 0 {
                        case UInt8(ascii: "\""):
                            _ = try scanString()
                            id = .token(start: start, end: index)
                        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                            try scanNumber()
                            id = .token(start: start, end: index)
                        case UInt8(ascii: "n"):
                            try scanLiteral("null")
                            id = .null
                        default:
                            _ = try parseValue(depth: depth + 1)
                            idUsable = false
                            problem = problem ?? "'id' must be a string, a number or null"
                        }
                    default:
                        // DESIGN §9: members the spec does not name are ignored (clients and proxies add
                        // them), but still scanned, so that bad syntax or nesting is still caught.
                        try skipValue(depth: depth + 1)
                    }
                }
                skipWhitespace()
                guard index < end else { throw unexpected(at: index, expecting: "',' or '}'") }
                let next = byte(index)
                index += 1
                if next == UInt8(ascii: ",") {
                    skipWhitespace()
                } else if next == UInt8(ascii: "}") {
                    break
                } else {
                    throw unexpected(at: index - 1, expecting: "',' or '}'")
                }
            }
        }

        if seen & Self.jsonrpcMember == 0 {
            problem = problem ?? "missing member 'jsonrpc'"
        }
        if seen & Self.methodMember == 0 {
            problem = problem ?? "missing member 'method'"
        }
        if let problem {
            // Invalid requests are always answered, echoing the id only when it was a usable string or number.
            if !idUsable { id = .null }
            if case .absent = id { id = .null }
            return ParsedCall(id: id, method: method, params: .none, error: .invalidRequest(problem))
        }
        return ParsedCall(id: id, method: method, params: params, error: nil)
    }

    /// Reads the value of `jsonrpc`, returning whether it is exactly the string `"2.0"`.
    private mutating func scanVersion(depth: Int) throws(JSONParseError) -> Bool {
        guard index < end && byte(index) == UInt8(ascii: "\"") else {
            _ = try parseValue(depth: depth)
            return false
        }
        let token = try scanString()
        return token.hasEscapes ? decodeString(token) == "2.0" : tokenEquals(token, "2.0")
    }

    private func member(of key: StringToken) -> UInt8 {
        if key.hasEscapes {
            // Rare: an escaped key such as "j\u0073onrpc" still names the member it decodes to.
            switch decodeString(key) {
            case "jsonrpc": return Self.jsonrpcMember
            case "method": return Self.methodMember
            case "params": return Self.paramsMember
            case "id": return Self.idMember
            default: return 0
            }
        }
        if tokenEquals(key, "jsonrpc") { return Self.jsonrpcMember }
        if tokenEquals(key, "method") { return Self.methodMember }
        if tokenEquals(key, "params") { return Self.paramsMember }
        if tokenEquals(key, "id") { return Self.idMember }
        return 0
    }
}
