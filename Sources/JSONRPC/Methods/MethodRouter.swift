/// Methods whose names are learned while serving, not at registration: a backend process tells
/// its own with `rpc.discover` once it runs, or is given name patterns (`math.*`).
///
/// The dispatcher asks the router only for names the registry does not hold, so a registered
/// method can never be shadowed by one routed here.
public protocol MethodRouter: Sendable {
    /// The handler for `method`, or nil when no routed method has that name (-32601).
    ///
    /// Called once per call of a name the registry does not hold: it must be quick and must not block.
    func route(_ method: String) -> (@Sendable (Params, RequestContext) async throws -> JSONValue)?

    /// OpenRPC method objects (`{"name": …, "params": […], "result": …}`) that `rpc.discover`
    /// lists after the registered methods, as they are at the time of the call.
    var discoveredMethods: [JSONValue] { get }
}
