extension DispatchOutcome {
    /// The response, awaiting a pending or deferred one (`nil`: no reply): for callers that may
    /// await, such as tests and tools. Transports do not: they hand deferred answers to their
    /// event loop without a task.
    public func response() async -> [UInt8]? {
        switch self {
        case .noReply:
            return nil
        case .reply(let bytes):
            return bytes
        case .pending(let work):
            return await work()
        case .deferred(let work):
            return await withCheckedContinuation { continuation in
                work { continuation.resume(returning: $0) }
            }
        }
    }
}
