/// How a registered method runs: inline on the caller's thread, or as async work the transport awaits.
enum MethodHandler: Sendable {
    case sync(@Sendable (Params, RequestContext) throws -> JSONValue)
    case async(@Sendable (Params, RequestContext) async throws -> JSONValue)
    /// A ``MethodRouter``'s method: answers through its completion, keeps its own deadline.
    case routed(RoutedMethodHandler)
}

extension MethodHandler {
    /// A routed handler as an async one, for where only async handlers fit (a batch's calls).
    static func awaiting(
        _ handler: @escaping RoutedMethodHandler
    )
        -> @Sendable (Params, RequestContext) async throws -> JSONValue
    {
        { params, context in
            try await withCheckedThrowingContinuation { continuation in
                handler(params, context) { continuation.resume(with: $0.mapError { $0 }) }
            }
        }
    }
}

/// One registered method.
struct RegisteredMethod: Sendable {
    var name: String
    var description: MethodDescription
    var handler: MethodHandler
}
