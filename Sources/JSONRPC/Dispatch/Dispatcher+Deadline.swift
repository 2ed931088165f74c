extension Dispatcher {
    /// Runs an async handler, answering -32002 (and cancelling it) if it outlasts `timeout`.
    static func run(
        _ body: @escaping @Sendable (Params, RequestContext) async throws -> JSONValue,
        params: Params,
        context: RequestContext,
        timeout: Duration?
    ) async -> Result<JSONValue, JSONRPCError> {
        guard let timeout else {
            do {
                return .success(try await body(params, context))
            } catch {
                return .failure(rpcError(from: error))
            }
        }
        return await withTaskGroup(of: Result<JSONValue, JSONRPCError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await body(params, context))
                } catch {
                    return .failure(rpcError(from: error))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return nil  // cancelled because the handler finished first
                }
                return .failure(.requestTimeout)
            }
            // The first finisher decides; cancelling the rest makes the group wait for the handler to unwind.
            while let next = await group.next() {
                if let outcome = next {
                    group.cancelAll()
                    return outcome
                }
            }
            return .failure(.internalError)
        }
    }
}
