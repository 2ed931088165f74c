/// A JSON-RPC error object as sent on the wire: `code`, `message` and optional `data`.
///
/// Handlers throw it to answer with a specific error; the dispatcher turns every other thrown error into
/// ``internalError`` without revealing what it was.
public struct JSONRPCError: Error, Sendable, Hashable {
    /// The error code; see ``JSONRPCErrorCode``.
    public var code: Int
    /// A short description of the error.
    public var message: String
    /// Additional information about the error, if any.
    public var data: JSONValue?

    /// Creates an error object.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// -32700 `Parse error`: the message is not valid JSON; `detail` (where and why) goes into `data`.
    public static func parseError(_ detail: String? = nil) -> JSONRPCError {
        JSONRPCError(code: JSONRPCErrorCode.parseError, message: "Parse error", data: detail.map { .string($0) })
    }

    /// -32600 `Invalid Request`: valid JSON, but not a valid request; `detail` goes into `data`.
    public static func invalidRequest(_ detail: String? = nil) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCErrorCode.invalidRequest,
            message: "Invalid Request",
            data: detail.map { .string($0) }
        )
    }

    /// -32601 `Method not found`, with the method name as `data`.
    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: JSONRPCErrorCode.methodNotFound, message: "Method not found", data: .string(method))
    }

    /// -32602 `Invalid params`, with `detail` (which parameter, what was expected) as `data`.
    public static func invalidParams(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: JSONRPCErrorCode.invalidParams, message: "Invalid params", data: .string(detail))
    }

    /// -32603 `Internal error`; deliberately carries no detail so that nothing internal leaks.
    // swift-format-ignore: DontRepeatTypeInStaticProperties
    // (the name mirrors the specification's error name and the other factories)
    public static let internalError = JSONRPCError(code: JSONRPCErrorCode.internalError, message: "Internal error")

    /// -32000, an application error raised by a method, e.g. `"invalid operation: division by zero"`.
    public static func applicationError(_ message: String, data: JSONValue? = nil) -> JSONRPCError {
        JSONRPCError(code: JSONRPCErrorCode.applicationError, message: message, data: data)
    }

    /// -32001 `Unauthorized`.
    public static let unauthorized = JSONRPCError(code: JSONRPCErrorCode.unauthorized, message: "Unauthorized")

    /// -32002 `Request timeout`.
    public static let requestTimeout = JSONRPCError(code: JSONRPCErrorCode.requestTimeout, message: "Request timeout")

    /// -32003 `Permission denied`.
    public static let permissionDenied = JSONRPCError(
        code: JSONRPCErrorCode.permissionDenied,
        message: "Permission denied"
    )

    /// -32004 `Server busy`: the server is overloaded or shutting down.
    public static let serverBusy = JSONRPCError(code: JSONRPCErrorCode.serverBusy, message: "Server busy")

    /// -32005 `Request too large`.
    public static let requestTooLarge = JSONRPCError(
        code: JSONRPCErrorCode.requestTooLarge,
        message: "Request too large"
    )

    /// -32005 `Request too large`, naming the limit in `data`.
    public static func requestTooLarge(limit: Int) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCErrorCode.requestTooLarge,
            message: "Request too large",
            data: .string("the limit is \(limit) bytes")
        )
    }
}
