/// The exact shape of a JSON-RPC error response as rpcd writes it,
/// `{"jsonrpc":"2.0","error":{"code":C,"message":"...",...},"id":ID}`, with the message free.
public struct JSONRPCErrorPattern: Sendable, CustomStringConvertible {
    /// The error code.
    public let code: Int
    /// The id token as it must appear (`null`, `7`, `"abc"`).
    public let id: String

    /// A pattern for an error with `code` answering `id`.
    public init(code: Int, id: String = "null") {
        self.code = code
        self.id = id
    }

    /// Whether `line` is exactly such an error response.
    public func matches(_ line: String?) -> Bool {
        guard let line else { return false }
        let prefix = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":\(self.code),\"message\":\""
        let suffix = "},\"id\":\(self.id)}"
        return line.hasPrefix(prefix) && line.hasSuffix(suffix) && line.count > prefix.count + suffix.count
    }

    public var description: String {
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":\(self.code),\"message\":\"...\"},\"id\":\(self.id)}"
    }
}
