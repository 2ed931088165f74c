package import JSONRPC

/// What a JSON-RPC server answered to one call: its `result`, or its `error`.
package enum RPCCallOutcome: Sendable, Equatable {
    /// The `result` member.
    case result(JSONValue)
    /// The `error` member.
    case error(JSONRPCError)
}
