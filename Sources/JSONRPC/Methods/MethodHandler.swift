/// How a registered method runs: inline on the caller's thread, or as async work the transport awaits.
enum MethodHandler: Sendable {
    case sync(@Sendable (Params, RequestContext) throws -> JSONValue)
    case async(@Sendable (Params, RequestContext) async throws -> JSONValue)
}

/// One registered method.
struct RegisteredMethod: Sendable {
    var name: String
    var description: MethodDescription
    var handler: MethodHandler
}
