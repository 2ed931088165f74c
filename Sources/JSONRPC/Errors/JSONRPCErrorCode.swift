/// The numeric JSON-RPC error codes rpcd uses, in one place.
///
/// -32700 ... -32600 are defined by the JSON-RPC 2.0 specification; -32000 ... -32006 are rpcd's server errors.
public enum JSONRPCErrorCode {
    /// Invalid JSON was received.
    public static let parseError = -32700
    /// The JSON sent is not a valid request object.
    public static let invalidRequest = -32600
    /// The method does not exist.
    public static let methodNotFound = -32601
    /// Invalid method parameters.
    public static let invalidParams = -32602
    /// Internal JSON-RPC error.
    public static let internalError = -32603
    /// An application error raised by a method (e.g. division by zero).
    public static let applicationError = -32000
    /// The caller is not authenticated.
    public static let unauthorized = -32001
    /// The request did not complete within the request timeout.
    public static let requestTimeout = -32002
    /// The caller is not allowed to call this method.
    public static let permissionDenied = -32003
    /// The server is busy or shutting down.
    public static let serverBusy = -32004
    /// The request is larger than the configured limit.
    public static let requestTooLarge = -32005
    /// A method's backend (an exec method's process, a backend instance) failed instead of answering.
    public static let backendFailed = -32006
}
