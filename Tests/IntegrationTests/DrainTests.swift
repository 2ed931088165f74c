import Foundation
import Glibc
import TestSupport
import Testing

/// Out of rotation (DESIGN §12): `rpcd-admin drain` / `undrain` and `RPCD_STOP_GRACE`, against
/// the real binaries, in single-process mode (0 workers) and with 2 workers.
@Suite(.serialized) struct DrainTests {
    static func start(workers: Int, environment: [String: String] = [:]) throws -> (RPCDProcess, Listeners) {
        var environment = environment
        environment["RPCD_SHUTDOWN_TIMEOUT"] = environment["RPCD_SHUTDOWN_TIMEOUT"] ?? "10s"
        let listen = "tcp://127.0.0.1:0,http://127.0.0.1:0"
        if workers == 0 {
            return try RPCDProcess.start(listen: listen, environment: environment)
        }
        return try RPCDProcess.startMaster(workers: workers, listen: listen, environment: environment)
    }

    /// Waits until `/readyz` on fresh connections answers `status` `times` times in a row (with
    /// workers, each fresh connection may reach another one).
    static func waitForReadiness(_ status: Int, at http: SocketEndpoint, times: Int = 6) throws {
        var streak = 0
        try Poll.until("/readyz \(status) \(times) times in a row", timeout: .seconds(10)) {
            streak = try HTTPClient.get(http, path: "/readyz").status == status ? streak + 1 : 0
            return streak >= times
        }
    }

    @Test("drain: /readyz 503, clients moved away at message boundaries, still serving; undrain", arguments: [0, 2])
    func drainAndUndrain(workers: Int) throws {
        let (daemon, listeners) = try Self.start(workers: workers)
        defer { daemon.kill() }
        let http = try listeners.http()
        let ndjson = try listeners.ndjson()
        try Self.waitForReadiness(200, at: http, times: 1)
        #expect(try daemon.admin.status().draining == false)

        let keepAlive = try HTTPClient(http)
        let first = try keepAlive.post(JSONRPCMessages.ping())
        #expect(first.status == 200 && !first.announcesClose, "\(first)")
        let idle = try LineClient(ndjson)
        #expect(try idle.call(JSONRPCMessages.ping(id: 1)) == JSONRPCMessages.pong(id: 1))
        let busy = try LineClient(ndjson)
        #expect(try busy.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))
        try busy.startSleep(ms: 1500, id: 3)

        let drained = try daemon.admin.run(["drain", "--json"])
        #expect(drained.exitCode == 0, "\(drained)")
        let answer = try JSONSerialization.jsonObject(with: Data(drained.stdout.utf8)) as? [String: Any]
        #expect(answer?["draining"] as? Bool == true, "\(drained.stdout)")
        #expect(answer?["connections"] is Int, "\(drained.stdout)")

        try Self.waitForReadiness(503, at: http)
        let ready = try HTTPClient.get(http, path: "/readyz")
        #expect(ready.status == 503 && ready.bodyText == "draining\n", "\(ready)")
        #expect(try HTTPClient.get(http, path: "/healthz").status == 200)
        #expect(try daemon.admin.status().draining == true)

        // The keep-alive connection is not cut while idle: its next answer says it ends there.
        let last = try keepAlive.post(JSONRPCMessages.ping(id: 4))
        #expect(last.status == 200 && last.bodyText == JSONRPCMessages.pong(id: 4), "\(last)")
        #expect(last.announcesClose, "\(last)")
        #expect(try keepAlive.isClosedByPeer())
        // The idle stream connection is closed at once, the busy one after its answer.
        #expect(try idle.isClosedByPeer())
        #expect(try busy.readLine(timeout: .seconds(5)) == JSONRPCMessages.slept(ms: 1500, id: 3))
        #expect(try busy.isClosedByPeer())
        // New connections are still accepted and served, then asked to leave.
        let late = try LineClient(ndjson)
        #expect(try late.call(JSONRPCMessages.ping(id: 5)) == JSONRPCMessages.pong(id: 5))
        #expect(try late.isClosedByPeer())
        let lateHTTP = try HTTPClient(http).post(JSONRPCMessages.ping(id: 6))
        #expect(lateHTTP.status == 200 && lateHTTP.announcesClose, "\(lateHTTP)")
        for client in [idle, busy, late] { client.close() }
        keepAlive.close()

        // `--wait` fails with the count while a client stays (connected, nothing sent yet)...
        let lingerer = try LineClient(ndjson)
        let timedOut = try daemon.admin.run(["drain", "--wait", "--timeout", "2s"])
        #expect(timedOut.exitCode == 1, "\(timedOut)")
        #expect(timedOut.stderr.contains("still open"), "\(timedOut)")
        // ...and returns once it has gone.
        lingerer.close()
        let waited = try daemon.admin.run(["drain", "--wait", "--timeout", "20"])
        #expect(waited.exitCode == 0, "\(waited)")
        #expect(waited.stdout == "draining: 0 connections open\n", "\(waited)")

        let undrained = try daemon.admin.run(["undrain"])
        #expect(undrained.exitCode == 0, "\(undrained)")
        #expect(undrained.stdout.hasPrefix("serving (not draining): "), "\(undrained)")
        try Self.waitForReadiness(200, at: http)
        #expect(try daemon.admin.status().draining == false)
        let again = try HTTPClient(http)
        #expect(try !again.post(JSONRPCMessages.ping(id: 7)).announcesClose)
        #expect(try !again.post(JSONRPCMessages.ping(id: 8)).announcesClose)
        again.close()

        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit() == .exited(0), "\(daemon.stderrText)")
    }

    @Test("RPCD_STOP_GRACE: /readyz 503 while still serving, then the stop", arguments: [0, 2])
    func stopGrace(workers: Int) throws {
        let (daemon, listeners) = try Self.start(workers: workers, environment: ["RPCD_STOP_GRACE": "3s"])
        defer { daemon.kill() }
        let http = try listeners.http()
        let ndjson = try listeners.ndjson()
        try Self.waitForReadiness(200, at: http, times: 1)

        let stoppedAt = ContinuousClock.now
        daemon.signal(SIGTERM)
        try Self.waitForReadiness(503, at: http, times: 3)
        let late = try LineClient(ndjson)
        #expect(try late.call(JSONRPCMessages.ping(id: 1)) == JSONRPCMessages.pong(id: 1))
        late.close()
        #expect(try daemon.admin.status().draining == true)
        #expect(try daemon.waitForExit(timeout: .seconds(15)) == .exited(0), "\(daemon.stderrText)")
        #expect(ContinuousClock.now - stoppedAt >= .seconds(3))
    }

    @Test("a second SIGTERM during the grace skips the rest of it", arguments: [0, 2])
    func secondTermSkipsTheGrace(workers: Int) throws {
        let (daemon, listeners) = try Self.start(workers: workers, environment: ["RPCD_STOP_GRACE": "60s"])
        defer { daemon.kill() }
        let http = try listeners.http()
        daemon.signal(SIGTERM)
        try Self.waitForReadiness(503, at: http, times: 1)
        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit(timeout: .seconds(10)) == .exited(0), "\(daemon.stderrText)")
    }

    @Test("a reload keeps the draining state")
    func reloadKeepsDraining() throws {
        let (daemon, listeners) = try Self.start(workers: 2)
        defer { daemon.kill() }
        let http = try listeners.http()
        #expect(try daemon.admin.run(["drain"]).exitCode == 0)
        try Self.waitForReadiness(503, at: http)
        let reload = try daemon.admin.run(["reload"])
        #expect(reload.exitCode == 0, "\(reload)")
        #expect(try daemon.admin.status().generation == 2)
        // Only the new generation accepts now: every fresh connection reaches one of its workers.
        try Self.waitForReadiness(503, at: http, times: 10)
        #expect(try daemon.admin.status().draining == true)
        #expect(try daemon.admin.run(["undrain"]).exitCode == 0)
        try Self.waitForReadiness(200, at: http)
    }

    @Test("replaced workers inherit the draining state")
    func replacementsKeepDraining() throws {
        let (daemon, listeners) = try Self.start(workers: 2)
        defer { daemon.kill() }
        let http = try listeners.http()
        #expect(try daemon.admin.run(["drain"]).exitCode == 0)
        try Self.waitForReadiness(503, at: http)
        let first = Set(try daemon.admin.workers().map(\.pid))
        let mark = daemon.logLines.count
        for pid in first {
            #expect(kill(pid, SIGKILL) == 0)
        }
        try daemon.waitForWorkerReady(after: mark, id: 1, excluding: first)
        try daemon.waitForWorkerReady(after: mark, id: 2, excluding: first)
        // Only replacements serve now.
        try Self.waitForReadiness(503, at: http, times: 10)
        #expect(try daemon.admin.status().draining == true)
    }

    @Test("STATUS= says draining: N connections while draining", arguments: [0, 2])
    func notifyStatus(workers: Int) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-drain-notify")
        let notify = try NotifySocket(path: directory.file("notify.sock"))
        let (daemon, _) = try Self.start(workers: workers, environment: ["NOTIFY_SOCKET": notify.path])
        defer { daemon.kill() }
        _ = try notify.receive(timeout: .seconds(10)) { $0["READY"] == "1" }
        #expect(try daemon.admin.run(["drain"]).exitCode == 0)
        let (draining, _) = try notify.receive(timeout: .seconds(5)) { $0["STATUS"]?.hasPrefix("draining: ") == true }
        #expect(draining["STATUS"]?.hasSuffix(" connections") == true, "\(draining)")
        #expect(draining.senderPID == daemon.pid)
        #expect(try daemon.admin.run(["undrain"]).exitCode == 0)
        _ = try notify.receive(timeout: .seconds(5)) { $0["STATUS"]?.hasPrefix("serving: ") == true }
    }
}
