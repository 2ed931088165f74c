import Foundation
import Glibc
import TestSupport
import Testing

/// Graceful stop on SIGTERM, SIGQUIT and SIGINT: in-flight calls finish, then connections close
/// and rpcd exits 0, leaving its ports and socket files free.
@Suite struct ShutdownTests {
    /// Starts a `test.sleep` on `client` and proves it is in flight: a ping sent after it is
    /// answered first (responses come back in completion order).
    static func startSleep(on client: LineClient, ms: Int, id: Int) throws {
        try client.send(JSONRPCMessages.sleep(ms: ms, id: id))
        #expect(try client.call(JSONRPCMessages.ping(id: 1000 + id)) == JSONRPCMessages.pong(id: 1000 + id))
    }

    @Test("in-flight calls finish, then EOF and exit 0", arguments: [SIGTERM, SIGQUIT, SIGINT])
    func gracefulStop(_ signal: Int32) throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("rpc.sock")
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,unix:\(socket)",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.all.first { $0.endpoint.hasPrefix("tcp:") }.map { try $0.socketEndpoint }
        let first = try LineClient(#require(endpoint))
        let second = try LineClient(unixPath: socket)
        let idle = try LineClient(#require(endpoint))
        try Self.startSleep(on: first, ms: 700, id: 1)
        try Self.startSleep(on: second, ms: 700, id: 2)

        let signalled = ContinuousClock.now
        #expect(daemon.signal(signal))

        // The calls in flight complete and their responses arrive, then each connection closes.
        #expect(try first.readLine() == JSONRPCMessages.slept(ms: 700, id: 1))
        #expect(try second.readLine() == JSONRPCMessages.slept(ms: 700, id: 2))
        #expect(try first.isClosedByPeer())
        #expect(try second.isClosedByPeer())
        #expect(try idle.isClosedByPeer())
        let status = try daemon.waitForExit(timeout: .seconds(5))
        #expect(status == .exited(0), "\(daemon.stderrText)")
        #expect(ContinuousClock.now - signalled < .seconds(5))

        // Nothing is left behind: the port refuses connections and the socket file is gone.
        #expect(!StreamSocket.canConnect(to: try #require(endpoint)))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test func portCanBeReusedAtOnceAfterAStop() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0,http://127.0.0.1:0")
        defer { daemon.kill() }
        let tcpPort = try listeners.first(role: "ndjson").port
        let httpPort = try listeners.first(role: "http").port
        // Leave connections behind so that the ports have TIME_WAIT entries.
        let client = try LineClient(listeners.ndjson())
        #expect(try client.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        let http = try HTTPClient(listeners.http())
        #expect(try http.post(JSONRPCMessages.ping()).status == 200)

        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")

        let (again, relisteners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:\(tcpPort),http://127.0.0.1:\(httpPort)"
        )
        defer { again.kill() }
        #expect(try relisteners.first(role: "ndjson").port == tcpPort)
        #expect(try LineClient(relisteners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func newConnectionsAreRefusedWhileDraining() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        let busy = try LineClient(endpoint)
        try Self.startSleep(on: busy, ms: 1500, id: 1)

        let mark = daemon.logLines.count
        daemon.signal(SIGTERM)
        // Every signal is logged (with its sender); once it is, the listener no longer serves.
        try daemon.waitForLog(after: mark) { $0.message == "signal received" }
        do {
            let late = try LineClient(endpoint)
            try late.send(JSONRPCMessages.ping(id: 2))
            #expect(try late.readLine(timeout: .seconds(2)) == nil, "a connection opened after SIGTERM was served")
        } catch let error as TestSupportError where error.code == .systemCall || error.code == .connectionClosed {
            // Connection refused (or reset): the listener is closed, as it should be.
        }
        #expect(try busy.readLine(timeout: .seconds(5)) == JSONRPCMessages.slept(ms: 1500, id: 1))
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")
    }

    @Test func drainCutShortByShutdownTimeoutStillExits0() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "1s", "RPCD_REQUEST_TIMEOUT": "60s"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())
        try Self.startSleep(on: client, ms: 20_000, id: 1)

        let signalled = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit(timeout: .seconds(8))
        #expect(status == .exited(0), "\(daemon.stderrText)")
        let elapsed = ContinuousClock.now - signalled
        #expect(elapsed >= .milliseconds(800) && elapsed < .seconds(5), "exited after \(elapsed)")
        #expect(try client.isClosedByPeer())
    }

    @Test func secondSIGTERMStopsAtOnce() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "30s", "RPCD_REQUEST_TIMEOUT": "60s"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())
        try Self.startSleep(on: client, ms: 20_000, id: 1)

        let mark = daemon.logLines.count
        daemon.signal(SIGTERM)
        // Signals do not queue: wait until the first one is handled (it is logged) before the second.
        try daemon.waitForLog(after: mark)
        let signalled = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit(timeout: .seconds(5))
        #expect(status == .exited(0), "\(daemon.stderrText)")
        #expect(ContinuousClock.now - signalled < .seconds(3))
        #expect(try client.isClosedByPeer())
    }

    @Test func httpRequestInFlightIsAnsweredDuringTheDrain() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0,tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s", "RPCD_THREADS": "1"]
        )
        defer { daemon.kill() }
        let http = try HTTPClient(listeners.http())
        // A first exchange proves the connection is established and served.
        #expect(try http.post(JSONRPCMessages.ping()).status == 200)
        try http.sendRaw(
            http.encode(method: "POST", path: "/", headers: [], body: Array(JSONRPCMessages.sleep(ms: 800, id: 5).utf8))
        )
        // With one event loop, an NDJSON call sent later and answered proves the loop has been
        // through the readiness of the HTTP connection, whose request reached the kernel first.
        let line = try LineClient(listeners.ndjson())
        try Self.startSleep(on: line, ms: 600, id: 6)

        daemon.signal(SIGTERM)
        let response = try #require(try http.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.slept(ms: 800, id: 5))
        // Written while draining: it tells the client the connection ends here.
        #expect(response.announcesClose, "\(response)")
        #expect(try line.readLine() == JSONRPCMessages.slept(ms: 600, id: 6))
        #expect(try http.isClosedByPeer())
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")
    }

    @Test func signalRightAfterReadyIsAGracefulStop() throws {
        // "ready" promises that a stop signal is handled: repeat to hit any window after it.
        for _ in 0..<5 {
            let (daemon, _) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
            defer { daemon.kill() }
            daemon.signal(SIGTERM)
            let status = try daemon.waitForExit(timeout: .seconds(5))
            #expect(status == .exited(0), "\(daemon.stderrText)")
        }
    }

    @Test func signalIsLoggedWithItsSender() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        // A served call proves start-up is over.
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())

        let mark = daemon.logLines.count
        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")
        let sender = "\(getpid())"
        let logged = daemon.logLines.dropFirst(mark).contains { line in
            line.fields.contains { key, value in key != "pid" && value == sender }
        }
        #expect(logged, "no log line names the sender pid \(sender): \(daemon.stderrText)")
    }
}
