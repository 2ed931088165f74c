import Foundation
import JSONRPC
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import RPCDBackends
import RPCDConfiguration
import TestSupport
import Testing

/// A backend written in Python for these tests: `argv[1]` picks how it misbehaves, `argv[2]` is a log file
/// it appends what it receives and does to. Its methods say what they do.
let backendScript = #"""
    import json, os, signal, sys, threading, time
    mode, log = sys.argv[1], sys.argv[2]
    lock = threading.Lock()
    def note(text):
        with lock, open(log, "a") as f: f.write(text + "\n")
    def out(obj):
        with lock:
            sys.stdout.write(json.dumps(obj) + "\n"); sys.stdout.flush()
    note("start %d" % os.getpid())
    if mode == "exit": sys.exit(3)
    if mode == "flood":
        for i in range(5000): sys.stderr.write("flood line %d\n" % i)
        sys.stderr.flush()
    if mode == "fork":
        child = os.fork()
        if child == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            note("child %d" % os.getpid())
            while True: time.sleep(1)
    names = ["echo", "sleep", "garbage", "wrongid", "huge", "never", "fail", "pid", "die"]
    while True:
        line = sys.stdin.readline()
        if not line: break
        msg = json.loads(line); note("got " + line.strip())
        mid, method, params = msg.get("id"), msg.get("method"), msg.get("params")
        if method == "rpc.discover":
            methods = [{"name": n, "params": [], "result": {"name": "r", "schema": {"type": "string"}}} for n in names]
            out({"jsonrpc": "2.0", "id": mid, "result": {"openrpc": "1.3.2", "methods": methods}})
        elif mid is None: pass
        elif method == "echo": out({"jsonrpc": "2.0", "id": mid, "result": params})
        elif method == "sleep":
            def later(mid=mid, params=params):
                time.sleep(params[0]); out({"jsonrpc": "2.0", "id": mid, "result": params})
            threading.Thread(target=later).start()
        elif method == "garbage": print("this is not JSON", flush=True)
        elif method == "wrongid": out({"jsonrpc": "2.0", "id": mid + 1000, "result": 1})
        elif method == "huge": out({"jsonrpc": "2.0", "id": mid, "result": "x" * 5000})
        elif method == "fail": out({"jsonrpc": "2.0", "id": mid, "error": {"code": 42, "message": "nope", "data": [1]}})
        elif method == "pid": out({"jsonrpc": "2.0", "id": mid, "result": os.getpid()})
        elif method == "die": os._exit(5)
    note("exit %d" % os.getpid())
    """#

/// Log records kept for the assertions.
final class RecordedLog: Sendable {
    let records = NIOLockedValueBox<[(message: String, metadata: Logger.Metadata)]>([])

    var logger: Logger {
        Logger(label: "test") { _ in RecordingHandler(log: self) }
    }

    struct RecordingHandler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel = Logger.Level.debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            self.log.records.withLockedValue { $0.append((event.message.description, event.metadata ?? [:])) }
        }
    }
}

/// One test's backends: the script in a temporary directory, an event loop group, the pools.
final class BackendHarness: Sendable {
    let directory: TemporaryDirectory
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let log = RecordedLog()
    private let started = NIOLockedValueBox<BackendPools?>(nil)
    var pools: BackendPools? { self.started.withLockedValue { $0 } }

    init() throws {
        self.directory = try TemporaryDirectory(prefix: "rpcd-bp")
        try self.directory.write("backend.py", backendScript)
    }

    /// A backend `name` running the script in `mode`, discovering its methods unless `methods` is given.
    func settings(
        _ name: String = "py",
        mode: String = "serve",
        _ configure: (inout BackendSettings) -> Void = { _ in }
    )
        -> BackendSettings
    {
        var settings = BackendSettings(
            name: name,
            command: ["/usr/bin/python3", self.directory.file("backend.py"), mode, self.directory.file("\(name).log")],
            timeout: .seconds(10)
        )
        settings.startTimeout = .seconds(5)
        configure(&settings)
        return settings
    }

    /// Starts the pools and waits for their methods.
    @discardableResult
    func start(_ backends: [BackendSettings], maxLineBytes: Int = 1 << 20) async -> BackendPools {
        let pools = BackendPools(
            backends: backends,
            maxLineBytes: maxLineBytes,
            group: self.group,
            logger: self.log.logger
        )
        self.started.withLockedValue { $0 = pools }
        pools.start()
        await pools.waitForDiscovery()
        return pools
    }

    /// A call as the dispatcher makes it; `id` nil makes it a notification.
    func call(_ method: String, _ params: [JSONValue] = [], id: String? = "1") async throws -> JSONValue {
        guard let handler = self.pools?.route(method) else { throw JSONRPCError.methodNotFound(method) }
        var context = RequestContext(transport: "test")
        context.requestID = id
        let call = context
        return try await withCheckedThrowingContinuation { continuation in
            handler(.positional(params), call) { continuation.resume(with: $0.mapError { $0 }) }
        }
    }

    /// The error a call ends with, or nil if it succeeded.
    func error(_ method: String, _ params: [JSONValue] = []) async -> JSONRPCError? {
        do {
            _ = try await self.call(method, params)
            return nil
        } catch {
            return error as? JSONRPCError
        }
    }

    /// Checks `condition` every 10 ms until it holds, without blocking a thread of the cooperative pool
    /// (which the pools' answers need).
    /// - Throws: `TestSupportError` naming `what` after `timeout`.
    func until(
        _ what: String,
        timeout: Duration = .seconds(5),
        _ condition: () throws -> Bool
    ) async throws {
        try await self.until(what, timeout: timeout) { try condition() ? true : nil }
    }

    /// Checks `check` every 10 ms until it returns a value, without blocking a thread of the cooperative pool.
    /// - Throws: `TestSupportError` naming `what` after `timeout`.
    @discardableResult
    func until<T>(_ what: String, timeout: Duration = .seconds(5), _ check: () throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try check() { return value }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError(.timedOut, "no \(what) within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The backend `name`'s log so far.
    func backendLog(_ name: String = "py") -> String {
        (try? self.directory.read("\(name).log")) ?? ""
    }

    /// The messages the backend `name` received, in order.
    func receivedRequests(_ name: String = "py") -> [JSONValue] {
        self.backendLog(name).split(separator: "\n").filter { $0.hasPrefix("got ") }.compactMap {
            try? JSONParser().parse(String($0.dropFirst(4)))
        }
    }

    func snapshot() -> BackendPoolSnapshot? { self.pools?.snapshots().first }

    /// Drains the pools and stops the loops.
    func stop() async throws {
        await self.pools?.shutdown()
        try await self.group.shutdownGracefully()
    }
}

@Suite(.timeLimit(.minutes(1))) struct BackendPoolsTests {
    @Test func discoversItsMethodsAndServesThem() async throws {
        let harness = try BackendHarness()
        let pools = await harness.start([harness.settings()])
        #expect(pools.definitions.map(\.name).contains("echo"))
        #expect(pools.definitions.first?.origin == "backend py")
        let echo = pools.discoveredMethods.first { $0["name"] == "echo" }
        #expect(echo?["result"]?["schema"] == ["type": "string"])
        #expect(try await harness.call("echo", ["hi", 2]) == ["hi", 2])
        #expect(pools.route("nothing") == nil)
        // The backend's own error passes through as it sent it.
        #expect(await harness.error("fail") == JSONRPCError(code: 42, message: "nope", data: [1]))
        // A notification goes out without an id.
        #expect(try await harness.call("echo", ["note"], id: nil) == .null)
        try await harness.until("the notification at the backend") {
            harness.receivedRequests().contains(["jsonrpc": "2.0", "method": "echo", "params": ["note"]])
        }
        let snapshot = try #require(harness.snapshot())
        #expect(snapshot.readyInstances == 1)
        #expect(snapshot.statistics.calls == 3)
        #expect(snapshot.statistics.errors == 1)
        try await harness.stop()
    }

    @Test func clientIdsReusedConcurrentlyAreNeverMixedUp() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings { $0.concurrency = 8 }])
        try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for index in 0..<40 {
                // Every call has the client id "1"; each must get its own answer back.
                group.addTask {
                    (index, try await harness.call("sleep", [.double(0.01 * Double(index % 5))!, .int(index)]))
                }
            }
            for try await (index, result) in group {
                #expect(result == [.double(0.01 * Double(index % 5))!, .int(index)])
            }
        }
        // The backend saw unique integer ids.
        let ids = harness.receivedRequests().filter { $0["method"] == "sleep" }.compactMap {
            $0["id"]?.numberValue?.int64
        }
        #expect(ids.count == 40)
        #expect(Set(ids).count == 40)
        try await harness.stop()
    }

    @Test func callsRunConcurrentlyUpToConcurrency() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings { $0.concurrency = 4 }])
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Long sleeps: all four must reach the backend while the first is still sleeping, even
            // on a loaded test machine.
            for _ in 0..<4 { group.addTask { _ = try await harness.call("sleep", [8]) } }
            try await harness.until("four calls in flight at once", timeout: .seconds(7)) {
                harness.receivedRequests().count { $0["method"] == "sleep" } == 4
            }
            #expect(harness.snapshot()?.inFlight == 4)
            try await group.waitForAll()
        }
        try await harness.stop()
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings { ($0.concurrency, $0.queue, $0.timeout) = (1, 1, .seconds(30)) }])
        // The first call holds the only slot long enough for a starved test machine to queue the second.
        async let first = harness.call("sleep", [15])
        try await harness.until("the first call at the backend", timeout: .seconds(12)) {
            harness.receivedRequests().contains { $0["method"] == "sleep" }
        }
        async let second = harness.call("sleep", [0])
        try await harness.until("the second call queued", timeout: .seconds(12)) { harness.snapshot()?.queued == 1 }
        let refused = await harness.error("echo")
        #expect(refused?.code == JSONRPCErrorCode.serverBusy)
        #expect(refused?.data?["reason"] == "queue full")
        #expect(try await first == [15])
        #expect(try await second == [0])
        try await harness.stop()
    }
}
