import Foundation
import Glibc
import TestSupport
import Testing

/// The master's `sd_notify` conversation (DESIGN §5, §6), against a fake `NOTIFY_SOCKET` the test
/// binds: what is sent, when, and by which process.
@Suite(.serialized) struct SystemdNotifyTests {
    private static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    private static func expectNoWorker(of daemon: RPCDProcess, has variable: String) throws {
        let workers = daemon.childPIDs
        #expect(!workers.isEmpty)
        for worker in workers {
            #expect(try !ProcessTable.environmentNames(of: worker).contains(variable), "worker \(worker)")
        }
    }

    @Test func readyReloadingReadyStoppingComeFromTheMasterInOrder() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-notify")
        let notify = try NotifySocket(path: directory.file("notify.sock"))
        let config = try directory.write("rpcd.env", "RPCD_WORKERS=2\n")
        let daemon = try RPCDProcess(
            environment: [
                "NOTIFY_SOCKET": notify.path, "RPCD_CONFIG": config,
                "RPCD_LISTEN": "tcp://127.0.0.1:0,http://127.0.0.1:0",
            ],
            unsetting: ["RPCD_WORKERS"]
        )
        defer { daemon.kill() }

        let (ready, beforeReady) = try notify.receive(timeout: .seconds(10)) { $0["READY"] == "1" }
        // Before READY the master may only say how start-up goes (STATUS=, e.g. "1/2 workers
        // ready" when one worker is slow to start) and hand each socket it bound to the fd store
        // (DESIGN §12); no other state, and never from a worker.
        let stored = beforeReady.filter { Set($0.fields.keys) == ["FDSTORE", "FDNAME"] }
        #expect(
            beforeReady.allSatisfy {
                (Set($0.fields.keys) == ["STATUS"] || stored.map(\.text).contains($0.text))
                    && $0.senderPID == daemon.pid
            },
            "only STATUS= and FDSTORE= from the master before READY: \(beforeReady)"
        )
        #expect(
            stored.compactMap { $0["FDNAME"] } == ["listen=tcp%3A//127.0.0.1%3A0", "listen=http%3A//127.0.0.1%3A0"],
            "each listener stored once, under its endpoint: \(beforeReady)"
        )
        #expect(ready.senderPID == daemon.pid)
        #expect(ready["STATUS"]?.hasPrefix("serving: 2/2 workers ready") == true, "\(ready)")
        // READY means serving: the ports accept and every worker is ready.
        let listeners = try daemon.waitUntilReady()
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try HTTPClient(listeners.http()).post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
        #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: 2, ready: 2))

        // Workers never see systemd's variables: only the master may notify.
        try Self.expectNoWorker(of: daemon, has: "NOTIFY_SOCKET")

        // A reload: RELOADING=1 with the monotonic clock in the same datagram, then READY=1.
        let beforeReload = Self.monotonicMicroseconds()
        #expect(daemon.signal(SIGHUP))
        let (reloading, _) = try notify.receive(timeout: .seconds(10)) { $0["RELOADING"] == "1" }
        let stamp = try #require(reloading["MONOTONIC_USEC"].flatMap { UInt64($0) }, "\(reloading)")
        #expect(stamp >= beforeReload && stamp <= Self.monotonicMicroseconds(), "\(reloading)")
        #expect(reloading.senderPID == daemon.pid)
        let (reloaded, _) = try notify.receive(timeout: .seconds(20)) { $0["READY"] == "1" }
        #expect(reloaded["STATUS"]?.contains("generation 2") == true, "\(reloaded)")

        // A refused reload (broken configuration) still ends in READY=1: the old config serves on.
        _ = try directory.write("rpcd.env", "RPCD_WORKERS=banana\n")
        let refused = try daemon.admin.run(["reload"])
        #expect(refused.exitCode == 1, "\(refused)")
        let (reloadingAgain, _) = try notify.receive(timeout: .seconds(10)) { $0["RELOADING"] == "1" }
        #expect(reloadingAgain["MONOTONIC_USEC"] != nil)
        let (readyAgain, _) = try notify.receive(timeout: .seconds(10)) { $0["READY"] == "1" }
        #expect(readyAgain["STATUS"]?.contains("reload refused") == true, "\(readyAgain)")
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())

        // A stop: STOPPING=1 as it begins.
        #expect(daemon.signal(SIGTERM))
        let (stopping, _) = try notify.receive(timeout: .seconds(10)) { $0["STOPPING"] == "1" }
        #expect(stopping.senderPID == daemon.pid)
        #expect(try daemon.waitForExit(timeout: .seconds(30)) == .exited(0))
    }

    @Test func watchdogPingsComeAtHalfThePeriodAndStopWhileTheMasterLoopIsBlocked() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-notify")
        let notify = try NotifySocket(path: directory.file("notify.sock"))
        let daemon = try RPCDProcess(
            environment: [
                "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000", "RPCD_WORKERS": "1",
                "RPCD_LISTEN": "tcp://127.0.0.1:0",
            ]
        )
        defer { daemon.kill() }
        _ = try notify.receive(timeout: .seconds(10)) { $0["READY"] == "1" }
        _ = try daemon.waitUntilReady()

        let pings = try notify.collect(for: .seconds(3)).filter { $0["WATCHDOG"] == "1" }
        // A 1 s period: one ping every 500 ms (on the master's 100 ms tick), so about six in
        // three seconds; the bounds leave room for a loaded CI machine.
        #expect((4...8).contains(pings.count), "\(pings.count) pings in 3 s")
        #expect(pings.allSatisfy { $0.senderPID == daemon.pid })
        #expect(pings.allSatisfy { $0.arrivedAt > .zero }, "every datagram carries its arrival time")
        let gaps = zip(pings.dropFirst(), pings).map { ($0.arrivedAt - $1.arrivedAt) / .milliseconds(1) }
        // Paced at half the period (not at every 100 ms tick; the slack is for a sender delayed
        // between deciding and sending), and always within the period, or systemd would kill.
        #expect(gaps.allSatisfy { $0 >= 400 && $0 < 1000 }, "gaps between pings: \(gaps) ms")
        try Self.expectNoWorker(of: daemon, has: "WATCHDOG_USEC")

        // test.freeze blocks the master's loop for 2 s: the pings stop, then resume. Read from
        // the arrival times, the freeze is one gap of about 2 s between the last ping before it
        // and the first after; a ping sent while frozen would split that gap.
        let frozen = try LineClient(unixPath: daemon.adminSocket).call(
            JSONRPCMessages.request("test.freeze", params: #"{"seconds":2}"#)
        )
        #expect(frozen == JSONRPCMessages.result("2"))
        let around =
            try [#require(pings.last)] + notify.collect(for: .milliseconds(3500)).filter { $0["WATCHDOG"] == "1" }
        let aroundGaps = zip(around.dropFirst(), around).map { ($0.arrivedAt - $1.arrivedAt) / .milliseconds(1) }
        #expect((aroundGaps.max() ?? 0) >= 1800, "no ~2 s silence while frozen; gaps: \(aroundGaps) ms")
        #expect(around.count >= 3, "pings resumed after the freeze: \(around.count - 1) after the freeze began")
        #expect(around.allSatisfy { $0.senderPID == daemon.pid })
    }

    @Test func noWatchdogPingsWhenTheWatchdogIsForAnotherProcess() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-notify")
        let notify = try NotifySocket(path: directory.file("notify.sock"))
        let daemon = try RPCDProcess(
            environment: [
                "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1",
                "RPCD_WORKERS": "1", "RPCD_LISTEN": "tcp://127.0.0.1:0",
            ]
        )
        defer { daemon.kill() }
        _ = try notify.receive(timeout: .seconds(10)) { $0["READY"] == "1" }
        let messages = try notify.collect(for: .seconds(1))
        #expect(messages.filter { $0["WATCHDOG"] == "1" }.isEmpty, "\(messages)")
    }

    /// Both modes bind the same way, so both report a port in use with its errno.
    @Test(arguments: [0, 1]) func aFatalStartErrorIsReportedWithStatusAndErrno(workers: Int) throws {
        let (holder, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { holder.kill() }
        let taken = try listeners.ndjson()
        let directory = try TemporaryDirectory(prefix: "rpcd-notify")
        let notify = try NotifySocket(path: directory.file("notify.sock"))
        let daemon = try RPCDProcess(
            environment: ["NOTIFY_SOCKET": notify.path, "RPCD_WORKERS": "\(workers)", "RPCD_LISTEN": "tcp://\(taken)"]
        )
        #expect(try daemon.waitForExit() == .exited(1))
        let (message, before) = try notify.receive(timeout: .seconds(2)) { $0["ERRNO"] != nil }
        #expect(message["STATUS"]?.contains("address already in use") == true, "\(message)")
        #expect(message["ERRNO"] == "\(EADDRINUSE)", "\(message)")
        #expect(([message] + before).allSatisfy { $0["READY"] == nil }, "never READY: \(before)")
    }
}
