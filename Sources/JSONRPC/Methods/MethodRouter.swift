/// How a routed method answers: it gets the call's params and context and a completion to call once
/// with the result or the JSON-RPC error. No task is created for it: the process that owns the method
/// (a pool of backend processes) answers from its own event loop.
public typealias RoutedMethodHandler =
    @Sendable (Params, RequestContext, _ completion: @escaping @Sendable (Result<JSONValue, JSONRPCError>) -> Void) ->
    Void

/// Methods whose names are learned while serving, not at registration: a backend process tells
/// its own with `rpc.discover` once it runs, or is given name patterns (`math.*`).
///
/// The dispatcher asks the router only for names the registry does not hold, so a registered
/// method can never be shadowed by one routed here.
public protocol MethodRouter: Sendable {
    /// The handler for `method`, or nil when no routed method has that name (-32601).
    ///
    /// Called once per call of a name the registry does not hold: it must be quick and must not block.
    /// The handler must not block either; it calls its completion exactly once, from any thread. It
    /// keeps its own deadline: the dispatcher's `requestTimeout` does not apply to routed calls
    /// (their owner, e.g. a backend with its own `TIMEOUT`, answers -32002 itself).
    func route(_ method: String) -> RoutedMethodHandler?

    /// OpenRPC method objects (`{"name": …, "params": […], "result": …}`) that `rpc.discover`
    /// lists after the registered methods, as they are at the time of the call.
    var discoveredMethods: [JSONValue] { get }
}
