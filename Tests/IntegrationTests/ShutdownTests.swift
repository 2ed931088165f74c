import Foundation
import Glibc
import TestSupport
import Testing

/// Stopping rpcd the same way in single-process mode (`RPCD_WORKERS=0`) and as a master with
/// workers (DESIGN §5): on SIGTERM, SIGQUIT or SIGINT in-flight calls finish, then connections
/// close and rpcd exits 0, leaving its ports and socket files free; a second TERM or INT ends at
/// once. Each test runs in both modes; what only one mode does is tested in
/// ``SingleProcessShutdownTests`` and ``MasterShutdownTests``.
@Suite(.serialized) struct ShutdownTests {
    /// The values of `RPCD_WORKERS` every test here runs with.
    static let modes = [0, 2]

    /// Opens a connection on `endpoint` that worker `pid` serves, or any connection in
    /// single-process mode (`pid` is rpcd's own).
    static func connect(_ daemon: RPCDProcess, _ endpoint: SocketEndpoint, servedBy pid: Int32) throws -> LineClient {
        pid == daemon.pid ? try LineClient(endpoint) : try daemon.connect(endpoint, toWorker: pid)
    }

    /// The processes serving connections: the workers, or rpcd itself in single-process mode.
    static func servingPIDs(_ daemon: RPCDProcess, workers: Int) throws -> [Int32] {
        guard workers > 0 else { return [daemon.pid] }
        let pids = try daemon.admin.workers().map(\.pid)
        try #require(pids.count == workers && Set(pids) == daemon.childPIDs, "\(pids)")
        return pids
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGQUIT: "SIGQUIT"
        case SIGINT: "SIGINT"
        default: "signal \(signal)"
        }
    }

    @Test(
        "in-flight calls finish, then EOF and exit 0, nothing left",
        arguments: Self.modes,
        [SIGTERM, SIGQUIT, SIGINT]
    )
    func gracefulStop(workers: Int, signal: Int32) throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("rpc.sock")
        // A port nothing else can take once rpcd closes it, for the check that it is closed.
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let (daemon, _) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:\(port),unix:\(socket)",
            environment: ["RPCD_WORKERS": "\(workers)", "RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let tcp = SocketEndpoint.tcp(host: "127.0.0.1", port: port)
        let pids = try Self.servingPIDs(daemon, workers: workers)
        // In every serving process a TCP and a unix connection with a call in flight, and an idle one.
        var clients: [LineClient] = []
        for pid in pids {
            for endpoint in [tcp, SocketEndpoint.unix(path: socket)] {
                let client = try Self.connect(daemon, endpoint, servedBy: pid)
                try client.startSleep(ms: 700, id: clients.count + 1)
                clients.append(client)
            }
        }
        let idle = try LineClient(tcp)
        #expect(try idle.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())

        let mark = daemon.logLines.count
        let signalled = ContinuousClock.now
        #expect(daemon.signal(signal))

        // The calls in flight complete and their responses arrive, then each connection closes.
        for (index, client) in clients.enumerated() {
            #expect(try client.readLine() == JSONRPCMessages.slept(ms: 700, id: index + 1))
            #expect(try client.isClosedByPeer())
        }
        #expect(try idle.isClosedByPeer())
        let status = try daemon.waitForExit(timeout: .seconds(5))
        #expect(status == .exited(0), "\(daemon.jsonLogText)")
        #expect(ContinuousClock.now - signalled < .seconds(5))

        // The signal is logged with its sender.
        let received = daemon.logLines.dropFirst(mark).first { $0.message == "signal received" }
        #expect(received?["sender.pid"] == "\(getpid())", "\(daemon.jsonLogText)")
        #expect(received?["signal"] == Self.name(of: signal))
        if workers > 0 {
            MasterShutdownTests.expectEveryWorkerExitedCleanly(daemon, pids, after: mark)
        }

        // Nothing is left behind: the port refuses connections and the socket file is gone.
        #expect(!StreamSocket.canConnect(to: tcp))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test(arguments: Self.modes)
    func drainCutShortByTheShutdownTimeoutStillExits0(workers: Int) throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: [
                "RPCD_WORKERS": "\(workers)", "RPCD_SHUTDOWN_TIMEOUT": "1s", "RPCD_REQUEST_TIMEOUT": "60s",
            ]
        )
        defer { daemon.kill() }
        let pids = daemon.childPIDs
        let client = try LineClient(listeners.ndjson())
        try client.startSleep(ms: 20_000, id: 1)

        let signalled = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit(timeout: .seconds(8))
        #expect(status == .exited(0), "\(daemon.jsonLogText)")
        let elapsed = ContinuousClock.now - signalled
        #expect(elapsed >= .milliseconds(800) && elapsed < .seconds(5), "exited after \(elapsed)")
        #expect(try client.isClosedByPeer())
        #expect(ProcessTable.waitUntilGone(pids, timeout: .seconds(2)).isEmpty)
    }

    @Test("a second TERM or INT during the drain is a quick stop", arguments: Self.modes, [SIGTERM, SIGINT])
    func secondSignalStopsAtOnce(workers: Int, second: Int32) throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: [
                "RPCD_WORKERS": "\(workers)", "RPCD_SHUTDOWN_TIMEOUT": "30s", "RPCD_REQUEST_TIMEOUT": "60s",
            ]
        )
        defer { daemon.kill() }
        let pids = daemon.childPIDs
        let client = try LineClient(listeners.ndjson())
        try client.startSleep(ms: 20_000, id: 1)

        let mark = daemon.logLines.count
        daemon.signal(SIGTERM)
        // Signals do not queue: wait until the first one is handled (it is logged) before the second.
        try daemon.waitForLog(after: mark) { $0.message == "signal received" }
        let signalled = ContinuousClock.now
        daemon.signal(second)
        let status = try daemon.waitForExit(timeout: .seconds(5))
        #expect(status == .exited(0), "\(daemon.jsonLogText)")
        #expect(ContinuousClock.now - signalled < .seconds(3))
        #expect(try client.readLine() == nil, "a quick stop does not wait for the call")
        #expect(ProcessTable.waitUntilGone(pids, timeout: .seconds(2)).isEmpty)
    }

    @Test(arguments: Self.modes)
    func portCanBeReusedAtOnceAfterAStop(workers: Int) throws {
        let environment = ["RPCD_WORKERS": "\(workers)"]
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: environment
        )
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
            listen: "tcp://127.0.0.1:\(tcpPort),http://127.0.0.1:\(httpPort)",
            environment: environment
        )
        defer { again.kill() }
        #expect(try relisteners.first(role: "ndjson").port == tcpPort)
        #expect(try LineClient(relisteners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test(arguments: Self.modes)
    func signalRightAfterReadyIsAGracefulStop(workers: Int) throws {
        // "ready" promises that a stop signal is handled: repeat to hit any window after it.
        for _ in 0..<5 {
            let (daemon, _) = try RPCDProcess.start(
                listen: "tcp://127.0.0.1:0",
                environment: ["RPCD_WORKERS": "\(workers)"]
            )
            defer { daemon.kill() }
            daemon.signal(SIGTERM)
            let status = try daemon.waitForExit(timeout: .seconds(5))
            #expect(status == .exited(0), "\(daemon.jsonLogText)")
        }
    }

}
