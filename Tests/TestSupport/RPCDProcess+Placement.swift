import Foundation
import Glibc

/// Choosing which worker accepts a connection. Every worker accepts on the same listening
/// sockets, so the kernel decides; while the other workers are stopped (SIGSTOP) only one is
/// left to accept.
extension RPCDProcess {
    /// Runs `body` while every worker but `pid` is stopped, then lets them go on.
    /// - Throws: ``TestSupportError/Code/timedOut`` when a worker does not stop within two seconds.
    public func withOnlyWorker<T>(_ pid: Int32, _ body: () throws -> T) throws -> T {
        var stopped: [Int32] = []
        defer {
            for other in stopped {
                Glibc.kill(other, SIGCONT)
            }
        }
        for other in self.childPIDs.subtracting([pid]).sorted() where Glibc.kill(other, SIGSTOP) == 0 {
            stopped.append(other)
        }
        // SIGSTOP takes effect asynchronously, thread by thread: until every thread of a worker
        // has stopped, its event loop could still accept.
        try Poll.until("stop of every worker in \(stopped)", timeout: .seconds(2), interval: .milliseconds(1)) {
            stopped.allSatisfy { !ProcessTable.isAlive($0) || ProcessTable.isStopped($0) }
        }
        return try body()
    }

    /// Opens an NDJSON connection that worker `pid` serves.
    /// - Throws: ``TestSupportError/Code/protocolViolation`` when another process answers.
    public func connect(_ endpoint: SocketEndpoint, toWorker pid: Int32) throws -> LineClient {
        try self.withOnlyWorker(pid) {
            let client = try LineClient(endpoint)
            let served = try client.servingPID()
            guard served == pid else {
                throw TestSupportError(
                    .protocolViolation,
                    "wanted worker \(pid), served by \(served); workers now \(self.childPIDs): \(self.jsonLogText)"
                )
            }
            return client
        }
    }
}
