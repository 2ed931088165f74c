import JSONRPC

/// What every reply must look like, whatever was sent: JSON the project's own parser reads, one
/// response object (or a non-empty array of them) with `"jsonrpc":"2.0"`, an `id`, and exactly
/// one of `result` and `error`.
enum ReplyCheck {
    static let parser = JSONParser(maxDepth: JSONParser.depthCeiling)

    /// Parses `reply` and checks its shape; returns the parsed value.
    static func wellFormed(_ reply: [UInt8], message: [UInt8]) -> JSONValue {
        let value: JSONValue
        do {
            value = try parser.parse(reply)
        } catch {
            FuzzCheck.fail("reply is not JSON (\(error)): \(FuzzCheck.show(reply))")
        }
        switch value {
        case .object(let object):
            checkResponse(object, reply: reply)
        case .array(let responses):
            FuzzCheck.require(!responses.isEmpty, "empty batch reply")
            let opener = RawJSON(message).start
            FuzzCheck.require(message[opener] == UInt8(ascii: "["), "batch reply to a non-batch message")
            for response in responses {
                guard case .object(let object) = response else {
                    FuzzCheck.fail("batch reply element is not an object: \(FuzzCheck.show(reply))")
                }
                checkResponse(object, reply: reply)
            }
        default:
            FuzzCheck.fail("reply is neither an object nor an array: \(FuzzCheck.show(reply))")
        }
        return value
    }

    private static func checkResponse(_ response: JSONObject, reply: [UInt8]) {
        let keys = Set(response.keys)
        FuzzCheck.require(keys.count == response.count, "duplicate keys in \(FuzzCheck.show(reply))")
        FuzzCheck.require(
            keys == ["jsonrpc", "result", "id"] || keys == ["jsonrpc", "error", "id"],
            "response members \(keys.sorted()): \(FuzzCheck.show(reply))"
        )
        FuzzCheck.require(response["jsonrpc"] == .string("2.0"), "jsonrpc is not \"2.0\": \(FuzzCheck.show(reply))")
        switch response["id"] {
        case .string?, .number?, .null?:
            break
        default:
            FuzzCheck.fail("id is neither string, number nor null: \(FuzzCheck.show(reply))")
        }
        guard let error = response["error"] else { return }
        guard case .object(let members) = error,
            case .number(let code)? = members["code"], code.int64 != nil,
            case .string? = members["message"],
            Set(members.keys).isSubset(of: ["code", "message", "data"])
        else {
            FuzzCheck.fail("malformed error object: \(FuzzCheck.show(reply))")
        }
    }

    /// The error code of a single error response, or nil.
    static func errorCode(_ response: JSONValue) -> Int64? {
        guard case .object(let error)? = response["error"], case .number(let code)? = error["code"] else { return nil }
        return code.int64
    }
}
