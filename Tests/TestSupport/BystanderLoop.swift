import Foundation
import Synchronization

/// A client on its own thread that calls `rpc.ping` over NDJSON in a loop, so a test can check
/// that a connection is served the whole time something else happens.
public final class BystanderLoop: Sendable {
    /// What the loop saw.
    public struct Outcome: Sendable {
        /// Completed calls answered correctly.
        public var calls = 0
        /// Every wrong answer or error.
        public var failures: [String] = []
    }

    private struct State {
        var outcome = Outcome()
        var stopping = false
        var finished = false
    }

    private let endpoint: SocketEndpoint
    private let state = Mutex(State())
    private let done = NSCondition()

    /// Describes a loop against an NDJSON listener; it starts with ``start()``.
    public init(endpoint: SocketEndpoint) {
        self.endpoint = endpoint
    }

    /// Connects and starts calling on a new thread.
    public func start() {
        Thread.detachNewThread { self.run() }
    }

    /// Stops the loop and waits for its last call.
    public func stop() -> Outcome {
        self.state.withLock { $0.stopping = true }
        self.done.lock()
        defer { self.done.unlock() }
        while !self.state.withLock({ $0.finished }) {
            if !self.done.wait(until: Date(timeIntervalSinceNow: 10)) {
                self.state.withLock { $0.outcome.failures.append("the bystander thread did not stop") }
                break
            }
        }
        return self.state.withLock { $0.outcome }
    }

    private func run() {
        defer {
            self.done.lock()
            self.state.withLock { $0.finished = true }
            self.done.broadcast()
            self.done.unlock()
        }
        let client: LineClient
        do {
            client = try LineClient(self.endpoint)
        } catch {
            self.state.withLock { $0.outcome.failures.append("connect: \(error)") }
            return
        }
        var id = 0
        while !self.state.withLock({ $0.stopping }) {
            id += 1
            do {
                let reply = try client.call(JSONRPCMessages.ping(id: id), timeout: .seconds(2))
                self.state.withLock {
                    if reply == JSONRPCMessages.pong(id: id) {
                        $0.outcome.calls += 1
                    } else {
                        $0.outcome.failures.append("call \(id): \(reply)")
                    }
                }
            } catch {
                self.state.withLock { $0.outcome.failures.append("call \(id): \(error)") }
                return
            }
        }
    }
}
