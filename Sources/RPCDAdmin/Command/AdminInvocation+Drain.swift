internal import JSONRPC
internal import RPCDSystem

extension AdminInvocation {
    /// How often `drain --wait` asks again.
    static let drainPollInterval: Duration = .milliseconds(200)

    /// `drain` / `undrain`; with `wait`, asks again until no client connection is open on the
    /// whole service, or fails once the invocation's timeout has passed, saying how many are.
    func drain(_ draining: Bool, wait: Bool) throws(AdminClientError) -> String {
        let deadline = ContinuousClock.now.advanced(by: self.timeout)
        let params: JSONValue
        do {
            params = try DrainParams(draining: draining).jsonValue()
        } catch {
            throw AdminClientError(.protocolError, "cannot encode params: \(error)", cause: error)
        }
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            let client = AdminClient(socketPath: self.socketPath, timeout: max(left, .milliseconds(100)))
            let answer = try client.call(.drain, params: params)
            let result = try AdminClient.decode(DrainResult.self, from: answer, method: AdminMethod.drain.rawValue)
            guard wait, result.connections > 0 else {
                return try self.render(.drain, answer, DrainResult.self, AdminOutput.drain)
            }
            guard ContinuousClock.now < deadline else {
                throw AdminClientError(
                    .timeout,
                    "drain --wait timed out after \(self.timeout): \(result.connections) connection"
                        + "\(result.connections == 1 ? "" : "s") still open"
                )
            }
            ThreadPause.pause(min(Self.drainPollInterval, ContinuousClock.now.duration(to: deadline)))
        }
    }
}
