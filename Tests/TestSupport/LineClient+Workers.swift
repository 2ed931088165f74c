/// Which worker process serves a connection, for tests that target one worker.
extension LineClient {
    /// Asks `test.pid` which process serves this connection.
    /// - Throws: ``TestSupportError/Code/protocolViolation`` for any other answer.
    public func servingPID(id: Int = 424_242) throws -> Int32 {
        let reply = try self.call(JSONRPCMessages.request("test.pid", id: "\(id)"))
        let prefix = "{\"jsonrpc\":\"2.0\",\"result\":"
        let suffix = ",\"id\":\(id)}"
        guard reply.hasPrefix(prefix), reply.hasSuffix(suffix),
            let pid = Int32(reply.dropFirst(prefix.count).dropLast(suffix.count))
        else {
            throw TestSupportError(.protocolViolation, "test.pid answered \(reply)")
        }
        return pid
    }

    /// Sends a `test.sleep` and proves it is in flight: a ping sent after it is answered first
    /// (responses come back in completion order).
    public func startSleep(ms: Int, id: Int) throws {
        try self.send(JSONRPCMessages.sleep(ms: ms, id: id))
        let reply = try self.call(JSONRPCMessages.ping(id: 1_000_000 + id))
        guard reply == JSONRPCMessages.pong(id: 1_000_000 + id) else {
            throw TestSupportError(.protocolViolation, "expected the ping's answer first, got \(reply)")
        }
    }
}
