internal import JSONRPC

/// What one line from a backend's stdout says (DESIGN §10.2): a response to an id rpcd gave, or a
/// protocol violation naming what was wrong.
enum BackendLine {
    /// A response: its `result`, or its `error` object as the backend sent it.
    case response(id: Int, outcome: Result<JSONValue, JSONRPCError>)
    /// Not a JSON-RPC 2.0 response with an integer id.
    case violation(String)

    /// Reads one line (without its newline).
    init(_ bytes: UnsafeRawBufferPointer) {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: JSONParser.depthCeiling).parse(bytes)
        } catch {
            self = .violation("invalid JSON")
            return
        }
        guard case .object(let object) = value, object["jsonrpc"] == .string("2.0") else {
            self = .violation("not a JSON-RPC 2.0 message")
            return
        }
        if object["method"] != nil {
            self = .violation("a request or notification, not a response")
            return
        }
        guard case .number(let number)? = object["id"], let id = number.int64.flatMap({ Int(exactly: $0) }) else {
            self = .violation("a response without an integer id")
            return
        }
        if let result = object["result"], object["error"] == nil {
            self = .response(id: id, outcome: .success(result))
        } else if case .object(let error)? = object["error"], object["result"] == nil,
            case .number(let code)? = error["code"], let code = code.int64.flatMap({ Int(exactly: $0) }),
            case .string(let message)? = error["message"]
        {
            self = .response(id: id, outcome: .failure(JSONRPCError(code: code, message: message, data: error["data"])))
        } else {
            self = .violation("a response with neither a result nor a valid error")
        }
    }
}
