import Foundation
import Glibc
import TestSupport
import Testing

/// Stopping a master (DESIGN §5), beyond what ``ShutdownTests`` checks in both modes: `rpcd-admin
/// stop` drains like a signal and `stop --quick` ends at once; a master killed with SIGKILL takes
/// its workers along, so no orphan keeps a port; nothing a worker starts inherits its sockets.
@Suite(.serialized) struct MasterShutdownTests {
    /// Checks the master's log from `mark` on: each of `pids` logged as exited with code 0, no
    /// worker died, and "stopped" last. For ``ShutdownTests`` too.
    static func expectEveryWorkerExitedCleanly(_ daemon: RPCDProcess, _ pids: some Collection<Int32>, after mark: Int) {
        let lines = daemon.logLines.dropFirst(mark)
        #expect(lines.contains { $0.message == "graceful stop" }, "\(daemon.jsonLogText)")
        for pid in pids {
            let exit = lines.first { $0.message == "worker exited" && $0["worker.pid"] == "\(pid)" }
            #expect(exit?["status"] == "exit code 0", "worker \(pid): \(daemon.jsonLogText)")
        }
        #expect(!lines.contains { $0.message == "worker died" }, "\(daemon.jsonLogText)")
        #expect(lines.last { $0.isJSON }?.message == "stopped")
    }

    // The signals' graceful stop is ShutdownTests.gracefulStop(workers:signal:).
    @Test("rpcd-admin stop: in-flight calls (HTTP too) are answered, workers exit 0, nothing is left")
    func gracefulStopThroughTheAdminSocket() throws {
        let directory = try TemporaryDirectory()
        let unixPath = directory.file("rpc.sock")
        // A port nothing else can take once rpcd closes it, for the check that it is closed.
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:\(port),http://127.0.0.1:0,unix:\(unixPath)",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let tcp = try listeners.ndjson()
        let workers = try daemon.admin.workers()
        let pids = Set(workers.map(\.pid))
        try #require(pids.count == 2 && pids == daemon.childPIDs)

        // On each worker a TCP and a unix connection with a call in flight, plus an HTTP one on
        // worker 2 (each connection placed while the other worker is stopped).
        var clients: [LineClient] = []
        for worker in workers {
            for endpoint in [tcp, SocketEndpoint.unix(path: unixPath)] {
                let client = try daemon.connect(endpoint, toWorker: worker.pid)
                try client.startSleep(ms: 2000, id: clients.count)
                clients.append(client)
            }
        }
        let http = try daemon.withOnlyWorker(workers[1].pid) {
            let http = try HTTPClient(listeners.http())
            #expect(try http.post(JSONRPCMessages.ping()).status == 200)
            return http
        }
        try http.sendRaw(
            http.encode(
                method: "POST",
                path: "/",
                headers: [("Content-Type", "application/json")],
                body: Array(JSONRPCMessages.sleep(ms: 2000, id: 9).utf8)
            )
        )
        // The workers' heartbeats report the calls in flight: the HTTP one has been read too.
        try daemon.admin.waitForWorkers(timeout: .seconds(1.5), what: "2 + 3 calls in flight") {
            $0.map(\.inFlight) == [2, 3]
        }

        let mark = daemon.logLines.count
        let stoppedAt = ContinuousClock.now
        let result = try daemon.admin.run(["stop"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "rpcd is stopping (graceful)\n")

        for (index, client) in clients.enumerated() {
            #expect(try client.readLine() == JSONRPCMessages.slept(ms: 2000, id: index))
            #expect(try client.isClosedByPeer())
        }
        let response = try #require(try http.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.slept(ms: 2000, id: 9))
        #expect(response.announcesClose, "a response written while draining must say Connection: close: \(response)")
        #expect(try http.isClosedByPeer())

        let status = try daemon.waitForExit(timeout: .seconds(8))
        #expect(status == .exited(0), "\(daemon.jsonLogText)")
        #expect(ContinuousClock.now - stoppedAt < .seconds(6))
        #expect(ProcessTable.waitUntilGone(pids, timeout: .seconds(2)).isEmpty)

        Self.expectEveryWorkerExitedCleanly(daemon, pids, after: mark)

        // Nothing is left behind: ports refuse, socket files are gone, rpcd-admin sees no daemon.
        #expect(!StreamSocket.canConnect(to: tcp))
        #expect(!FileManager.default.fileExists(atPath: unixPath))
        #expect(!FileManager.default.fileExists(atPath: daemon.adminSocket), "the admin socket was left behind")
        #expect(try daemon.admin.run(["status"]).exitCode == 7)
    }

    @Test func quickStopThroughTheAdminSocket() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "30s", "RPCD_REQUEST_TIMEOUT": "60s"]
        )
        defer { daemon.kill() }
        let pids = daemon.childPIDs
        let client = try LineClient(listeners.ndjson())
        try client.startSleep(ms: 20_000, id: 1)

        let asked = ContinuousClock.now
        let result = try daemon.admin.run(["stop", "--quick", "--json"])
        #expect(result.exitCode == 0, "\(result)")
        let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Bool]
        #expect(answer == ["stopping": true, "quick": true], "\(result.stdout)")
        let status = try daemon.waitForExit(timeout: .seconds(5))
        #expect(status == .exited(0), "\(daemon.jsonLogText)")
        #expect(ContinuousClock.now - asked < .seconds(3))
        #expect(try client.readLine() == nil)
        #expect(ProcessTable.waitUntilGone(pids, timeout: .seconds(2)).isEmpty)
    }

    @Test func killedMasterTakesItsWorkersAlongAndFreesItsPorts() throws {
        // Ports below the ephemeral range: no other test's client connection can take them meanwhile.
        let tcpPort = try PortProbe.unusedPortBelowEphemeralRange()
        let httpPort = try PortProbe.unusedPortBelowEphemeralRange()
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:\(tcpPort),http://127.0.0.1:\(httpPort)"
        )
        defer { daemon.kill() }
        try #require(try listeners.first(role: "http").port == httpPort)
        let workers = try daemon.admin.workers()
        let pids = Set(workers.map(\.pid))
        try #require(pids.count == 2 && pids == daemon.childPIDs)
        // An open connection on a worker: it must end too.
        let client = try daemon.connect(listeners.ndjson(), toWorker: workers[0].pid)
        #expect(try client.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())

        daemon.kill()
        let left = ProcessTable.waitUntilGone(pids, timeout: .seconds(2))
        #expect(left.isEmpty, "workers outlived their master: \(left)")
        #expect(try client.isClosedByPeer(timeout: .seconds(2)))
        // Nothing holds the ports: this test can bind them itself.
        #expect(PortProbe.bindFailure(port: tcpPort) == nil)
        #expect(PortProbe.bindFailure(port: httpPort) == nil)

        // The next master takes the same ports and reclaims the stale admin socket file.
        #expect(FileManager.default.fileExists(atPath: daemon.adminSocket))
        var environment = ["RPCD_ADMIN_SOCKET": daemon.adminSocket]
        environment["RPCD_WORKERS"] = "1"
        let (next, relisteners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:\(tcpPort),http://127.0.0.1:\(httpPort)",
            environment: environment
        )
        defer { next.kill() }
        #expect(try LineClient(relisteners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try next.admin.status().pid == next.pid)
    }

    @Test func workerDescriptorsAreCloseOnExec() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0,http://127.0.0.1:0")
        defer { daemon.kill() }
        let worker = try #require(daemon.childPIDs.first)
        // The worker gets its control socket and listeners by dup2 (fds 3, 4, 5), which clears
        // close-on-exec; any process the worker starts (the Swift runtime's crash reporter does)
        // inherits whatever is still inheritable.
        let inheritable = ProcessTable.descriptors(of: worker).filter { $0.fd > 2 && !$0.isCloseOnExec }
        #expect(inheritable.isEmpty, "inheritable descriptors in worker \(worker): \(inheritable)")
    }

    @Test func crashReporterOfAKilledWorkerHoldsNoPort() throws {
        let ports = [try PortProbe.unusedPortBelowEphemeralRange(), try PortProbe.unusedPortBelowEphemeralRange()]
        // Workers run without the crash reporter unless the operator asks for it, as here.
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:\(ports[0]),http://127.0.0.1:\(ports[1])",
            environment: ["SWIFT_BACKTRACE": "enable=yes,interactive=no"]
        )
        defer { daemon.kill() }
        let worker = try #require(daemon.childPIDs.first)
        let client = try LineClient(listeners.ndjson())
        try client.send(JSONRPCMessages.request("test.crash", id: "1"))
        // The trapping worker starts the Swift runtime's crash reporter (swift-backtrace) and waits
        // for it; the master dies meanwhile (its workers get SIGKILL as their parent-death signal).
        let reporters = try Poll.until("crash reporter started by worker \(worker)", interval: .milliseconds(5)) {
            let children = ProcessTable.children(of: worker)
            return children.isEmpty ? nil : children
        }
        defer {
            // The Swift runtime's reporter may outlive its killed worker; end it, it belongs to
            // this test's process tree.
            for reporter in reporters where ProcessTable.isAlive(reporter) {
                kill(reporter, SIGKILL)
            }
        }
        // SIGKILL by hand: RPCDProcess.kill() would end the crash reporters too.
        daemon.signal(SIGKILL)
        _ = try daemon.waitForExit()
        #expect(ProcessTable.waitUntilGone([worker], timeout: .seconds(2)).isEmpty)
        // Whether or not the reporter is still running, it holds none of the worker's sockets:
        // they are close-on-exec in the worker.
        for port in ports {
            #expect(PortProbe.bindFailure(port: port) == nil, "port \(port) is still held")
        }
    }
}
