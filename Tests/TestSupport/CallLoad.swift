import Foundation
import Synchronization

/// Clients on their own threads, each looping calls over its own connection (NDJSON or HTTP
/// keep-alive), for checking what a steady load sees while workers crash, reload or stop.
///
/// Every client first asks `test.pid` which process serves its connection, then sends one call at
/// a time, `rpc.ping` alternating with short `test.sleep` calls (so that drains find calls in
/// flight). An HTTP response with `Connection: close` ends its connection cleanly and the client
/// opens another. When the server closes the connection (EOF or reset) instead of answering the
/// request outstanding, what happens to that request is the ``Policy``.
public final class CallLoad: Sendable {
    /// The protocol a client speaks.
    public enum Transport: Sendable, CustomStringConvertible {
        /// Newline-delimited JSON, one request at a time.
        case ndjson
        /// HTTP/1.1 POSTs on a keep-alive connection.
        case http

        public var description: String { self == .ndjson ? "ndjson" : "http" }
    }

    /// What a client does with a request outstanding when the server closes the connection.
    public enum Policy: Sendable {
        /// DESIGN §9: a server closes a stream only at a message boundary, so an unanswered request
        /// never ran; send it again on a new connection (at most three times), counting it in
        /// ``ClientReport/retried``. It fails only when it still gets no answer.
        case retryUnanswered
        /// Count it as failed and go on with a new connection: for connections nothing should touch.
        case failUnanswered
    }

    /// A request that failed, and the process serving the connection it was sent on.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The pid `test.pid` reported for the connection; nil while connecting.
        public var pid: Int32?
        /// What went wrong.
        public var message: String

        public var description: String { "\(self.message) (pid \(self.pid.map(String.init) ?? "-"))" }
    }

    /// What one client saw.
    public struct ClientReport: Sendable, CustomStringConvertible {
        /// The client's number, from 0.
        public var index: Int
        /// Its protocol.
        public var transport: Transport
        /// Calls answered correctly (`test.pid` included).
        public var answered = 0
        /// Every error answer, wrong answer, timeout, refused connection and unanswered request.
        public var failures: [Failure] = []
        /// Requests the server closed the connection on without answering, then sent again.
        public var retried = 0
        /// Requests outstanding when the server closed the connection (the count a client that
        /// retries nothing would have lost).
        public var unansweredAtClose = 0
        /// Connections the server ended (EOF, reset or `Connection: close`) and the client replaced.
        public var reconnects = 0
        /// The pid serving each of the client's connections, in order.
        public var servedBy: [Int32] = []
        /// The pid serving the current connection.
        var currentPID: Int32?

        mutating func fail(_ message: String) {
            self.failures.append(Failure(pid: self.currentPID, message: message))
        }

        public var description: String {
            "client \(self.index) (\(self.transport)): \(self.answered) answered, \(self.failures.count) failed, "
                + "\(self.retried) retried, \(self.reconnects) reconnects, served by \(self.servedBy)"
                + (self.failures.isEmpty ? "" : ", failures: \(self.failures.prefix(5))")
        }
    }

    /// What every client saw.
    public struct Report: Sendable, CustomStringConvertible {
        /// One per client.
        public var clients: [ClientReport]

        /// Creates a report of `clients`.
        public init(clients: [ClientReport]) {
            self.clients = clients
        }

        /// This report's clients and `other`'s.
        public func merged(with other: Report) -> Report {
            Report(clients: self.clients + other.clients)
        }

        /// Calls answered correctly over all clients.
        public var answered: Int { self.clients.reduce(0) { $0 + $1.answered } }
        /// Every failure, prefixed with its client.
        public var failures: [String] {
            self.clients.flatMap { client in client.failures.map { "client \(client.index): \($0)" } }
        }
        /// The clients whose first connection was served by `pid`.
        public func clients(firstServedBy pid: Int32) -> [ClientReport] {
            self.clients.filter { $0.servedBy.first == pid }
        }
        /// The clients whose first connection was served by another process than `pid`.
        public func clients(firstServedByOtherThan pid: Int32) -> [ClientReport] {
            self.clients.filter { $0.servedBy.first != pid }
        }
        /// Requests sent again after the server closed their connection without answering.
        public var retried: Int { self.clients.reduce(0) { $0 + $1.retried } }
        /// Requests outstanding when the server closed their connection.
        public var unansweredAtClose: Int { self.clients.reduce(0) { $0 + $1.unansweredAtClose } }
        /// Connections replaced.
        public var reconnects: Int { self.clients.reduce(0) { $0 + $1.reconnects } }

        public var description: String { self.clients.map(\.description).joined(separator: "\n") }
    }

    private struct State {
        var clients: [ClientReport]
        var stopping = false
        var running: Int
    }

    private let endpoints: [(Transport, SocketEndpoint)]
    private let policy: Policy
    private let callTimeout: Duration
    private let state: Mutex<State>
    private let changed = NSCondition()

    /// Describes a load; it starts with ``start()``.
    /// - Parameters:
    ///   - clients: one entry per client: its protocol and the listener it connects to.
    ///   - policy: what to do with a request the server closed the connection on.
    ///   - callTimeout: how long one answer may take.
    public init(
        clients: [(Transport, SocketEndpoint)],
        policy: Policy,
        callTimeout: Duration = .seconds(5)
    ) {
        self.endpoints = clients
        self.policy = policy
        self.callTimeout = callTimeout
        self.state = Mutex(
            State(
                clients: clients.enumerated().map { ClientReport(index: $0.offset, transport: $0.element.0) },
                running: clients.count
            )
        )
    }

    /// Starts every client on its own thread.
    public func start() {
        for index in self.endpoints.indices {
            Thread.detachNewThread { self.run(index) }
        }
    }

    /// What the clients saw so far.
    public var report: Report {
        self.state.withLock { Report(clients: $0.clients) }
    }

    /// Waits until every client has opened its first connection (or failed).
    /// - Throws: ``TestSupportError/Code/timedOut`` with the report so far.
    public func waitUntilConnected(timeout: Duration = .seconds(10)) throws {
        let deadline = Date(timeIntervalSinceNow: timeout.timeInterval)
        self.changed.lock()
        defer { self.changed.unlock() }
        while !self.state.withLock({ $0.clients.allSatisfy { !$0.servedBy.isEmpty || !$0.failures.isEmpty } }) {
            if !self.changed.wait(until: deadline) {
                throw TestSupportError(.timedOut, "load clients not connected: \(self.report)")
            }
        }
    }

    /// Waits until every client has had at least `count` calls answered (or a failure).
    /// - Throws: ``TestSupportError/Code/timedOut`` with the report so far.
    public func waitUntilEveryClient(answered count: Int, timeout: Duration = .seconds(10)) throws {
        let deadline = Date(timeIntervalSinceNow: timeout.timeInterval)
        self.changed.lock()
        defer { self.changed.unlock() }
        while !self.state.withLock({ $0.clients.allSatisfy { $0.answered >= count || !$0.failures.isEmpty } }) {
            if !self.changed.wait(until: deadline) {
                throw TestSupportError(.timedOut, "load clients below \(count) answers: \(self.report)")
            }
        }
    }

    /// Waits until `total` more calls have been answered over all clients than `baseline`.
    public func waitForAnswers(beyond baseline: Int, count: Int, timeout: Duration = .seconds(10)) throws {
        let deadline = Date(timeIntervalSinceNow: timeout.timeInterval)
        self.changed.lock()
        defer { self.changed.unlock() }
        while self.state.withLock({ $0.clients.reduce(0) { $0 + $1.answered } }) < baseline + count {
            if !self.changed.wait(until: deadline) {
                throw TestSupportError(.timedOut, "load: fewer than \(count) answers after \(baseline): \(self.report)")
            }
        }
    }

    /// Stops every client after its current call and returns what they saw.
    public func stop() -> Report {
        self.state.withLock { $0.stopping = true }
        let deadline = Date(timeIntervalSinceNow: 20)
        self.changed.lock()
        while self.state.withLock({ $0.running > 0 }) {
            if !self.changed.wait(until: deadline) {
                self.state.withLock { state in
                    for index in state.clients.indices {
                        state.clients[index].fail("the client thread did not stop")
                    }
                }
                break
            }
        }
        self.changed.unlock()
        return self.report
    }

    // MARK: The client loop

    /// One request: its line, the exact answer expected, and how often it was sent.
    private struct Request {
        var id: Int
        var line: String
        var expected: String
        var attempts = 0
    }

    /// How one exchange ended.
    private enum Exchange {
        case answered(String)
        /// The server ended the connection before answering.
        case closed(String)
        /// The server answered and announced the end of the connection (HTTP).
        case answeredAndClosing(String)
    }

    /// A connection of either protocol.
    private enum Connection {
        case line(LineClient)
        case http(HTTPClient)

        func close() {
            switch self {
            case .line(let client): client.close()
            case .http(let client): client.close()
            }
        }
    }

    private var isStopping: Bool { self.state.withLock { $0.stopping } }

    private func update(_ index: Int, _ body: (inout ClientReport) -> Void) {
        self.changed.lock()
        self.state.withLock { body(&$0.clients[index]) }
        self.changed.broadcast()
        self.changed.unlock()
    }

    private func run(_ index: Int) {
        defer {
            self.changed.lock()
            self.state.withLock { $0.running -= 1 }
            self.changed.broadcast()
            self.changed.unlock()
        }
        var connection: Connection?
        var sequence = 0
        var pending: Request?
        // A request waiting to be sent again is still owed an answer, stopping or not.
        while !self.isStopping || pending != nil {
            if connection == nil {
                connection = self.connect(index, sequence: &sequence)
                if connection == nil {
                    return  // A failure is recorded; this client gives up.
                }
            }
            sequence += 1
            var request =
                pending
                ?? (sequence % 4 == 0
                    ? Request(
                        id: sequence,
                        line: JSONRPCMessages.sleep(ms: 5, id: sequence),
                        expected: JSONRPCMessages.slept(ms: 5, id: sequence)
                    )
                    : Request(
                        id: sequence,
                        line: JSONRPCMessages.ping(id: sequence),
                        expected: JSONRPCMessages.pong(id: sequence)
                    ))
            pending = nil
            request.attempts += 1
            switch self.exchange(request.line, on: connection!) {
            case .success(.answered(let reply)):
                self.record(index, reply: reply, for: request)
            case .success(.answeredAndClosing(let reply)):
                self.record(index, reply: reply, for: request)
                connection?.close()
                connection = nil
                self.update(index) { $0.reconnects += 1 }
            case .success(.closed(let how)):
                connection?.close()
                connection = nil
                self.update(index) {
                    $0.reconnects += 1
                    $0.unansweredAtClose += 1
                }
                switch self.policy {
                case .retryUnanswered where request.attempts < 3:
                    self.update(index) { $0.retried += 1 }
                    pending = request
                case .retryUnanswered:
                    self.update(index) { $0.fail("call \(request.id): \(how) on 3 connections") }
                case .failUnanswered:
                    self.update(index) { $0.fail("call \(request.id): \(how), never answered") }
                }
            case .failure(let error):
                connection?.close()
                connection = nil
                self.update(index) { $0.fail("call \(request.id): \(error)") }
            }
        }
        connection?.close()
    }

    private func record(_ index: Int, reply: String, for request: Request) {
        self.update(index) {
            if reply == request.expected {
                $0.answered += 1
            } else {
                $0.fail("call \(request.id): got \(reply)")
            }
        }
    }

    /// Opens a connection and records the pid serving it.
    private func connect(_ index: Int, sequence: inout Int) -> Connection? {
        let (transport, endpoint) = self.endpoints[index]
        // A connection taken by a draining process may end before answering: try a few.
        for _ in 0..<10 {
            self.update(index) { $0.currentPID = nil }
            let connection: Connection
            do {
                switch transport {
                case .ndjson: connection = .line(try LineClient(endpoint, timeout: self.callTimeout))
                case .http: connection = .http(try HTTPClient(endpoint, timeout: self.callTimeout))
                }
            } catch {
                self.update(index) { $0.fail("connect: \(error)") }
                return nil
            }
            sequence += 1
            let id = sequence
            switch self.exchange(JSONRPCMessages.request("test.pid", id: "\(id)"), on: connection) {
            case .success(.answered(let reply)):
                guard let pid = Self.pid(in: reply, id: id) else {
                    connection.close()
                    self.update(index) { $0.fail("test.pid \(id): got \(reply)") }
                    return nil
                }
                self.update(index) {
                    $0.answered += 1
                    $0.servedBy.append(pid)
                    $0.currentPID = pid
                }
                return connection
            case .success(.answeredAndClosing(let reply)):
                // Answered on a connection that ends here (a draining HTTP server): try a fresh one.
                connection.close()
                self.update(index) {
                    if Self.pid(in: reply, id: id) != nil {
                        $0.answered += 1
                    } else {
                        $0.fail("test.pid \(id): got \(reply)")
                    }
                    $0.reconnects += 1
                }
                continue
            case .success(.closed(let how)):
                // A draining process took this connection and closed it before answering.
                connection.close()
                self.update(index) {
                    $0.reconnects += 1
                    $0.unansweredAtClose += 1
                    switch self.policy {
                    case .retryUnanswered: $0.retried += 1
                    case .failUnanswered: $0.fail("test.pid \(id): \(how), never answered")
                    }
                }
                continue
            case .failure(let error):
                connection.close()
                self.update(index) { $0.fail("test.pid \(id): \(error)") }
                return nil
            }
        }
        self.update(index) { $0.fail("10 connections in a row ended before answering test.pid") }
        return nil
    }

    private func exchange(_ line: String, on connection: Connection) -> Result<Exchange, TestSupportError> {
        do {
            switch connection {
            case .line(let client):
                try client.send(line)
                guard let reply = try client.readLine(timeout: self.callTimeout) else {
                    return .success(.closed("EOF"))
                }
                return .success(.answered(reply))
            case .http(let client):
                try client.sendRaw(
                    client.encode(
                        method: "POST",
                        path: "/",
                        headers: [("Content-Type", "application/json")],
                        body: Array(line.utf8)
                    )
                )
                guard let response = try client.readResponse(timeout: self.callTimeout) else {
                    return .success(.closed("closed before a response"))
                }
                guard response.status == 200 else {
                    return .failure(TestSupportError(.protocolViolation, "HTTP \(response)"))
                }
                return .success(
                    response.announcesClose ? .answeredAndClosing(response.bodyText) : .answered(response.bodyText)
                )
            }
        } catch let error as TestSupportError where error.code == .connectionClosed {
            return .success(.closed("\(error.message)"))
        } catch let error as TestSupportError {
            return .failure(error)
        } catch {
            return .failure(TestSupportError(.protocolViolation, "\(error)"))
        }
    }

    /// The pid in `{"jsonrpc":"2.0","result":PID,"id":ID}`.
    private static func pid(in reply: String, id: Int) -> Int32? {
        let prefix = "{\"jsonrpc\":\"2.0\",\"result\":"
        let suffix = ",\"id\":\(id)}"
        guard reply.hasPrefix(prefix), reply.hasSuffix(suffix) else { return nil }
        return Int32(reply.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
