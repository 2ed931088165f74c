import Foundation
import Glibc
import TestSupport
import Testing

/// Changing the number of workers at run time (DESIGN §5, §7, §9): `rpcd-admin scale N` and the
/// `TTIN`/`TTOU` signals; scaling is not a restart.
@Suite(.serialized) struct WorkerScalingTests {
    @Test func scaleSetsTheWorkerCount() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 2, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let first = try daemon.admin.workers()

        let mark = daemon.logLines.count
        let up = try daemon.admin.run(["scale", "3"])
        #expect(up.exitCode == 0, "\(up)")
        #expect(up.stdout == "workers: 3\n")
        let three = try daemon.admin.waitForWorkers(what: "three ready workers") {
            $0.count == 3 && $0.ready.count == 3
        }
        #expect(three.map(\.id) == [1, 2, 3])
        #expect(Set(three.prefix(2).map(\.pid)) == Set(first.map(\.pid)), "scaling up keeps the running workers")
        #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: 3, ready: 3))
        #expect(daemon.childPIDs == Set(three.map(\.pid)))

        let down = try daemon.admin.jsonObject(["scale", "1"]) as? [String: Int]
        #expect(down == ["workers": 1])
        let one = try daemon.admin.waitForWorkers(what: "one worker left") { $0.count == 1 && $0.ready.count == 1 }
        #expect(one[0].id == 1 && one[0].pid == first[0].pid)
        #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: 1, ready: 1))
        #expect(ProcessTable.waitUntilGone(three.dropFirst().map(\.pid), timeout: .seconds(5)).isEmpty)

        // Scaling is planned: drained workers exit 0, nothing counts as a restart.
        let lines = daemon.logLines.dropFirst(mark)
        for worker in three.dropFirst() {
            let exit = lines.first { $0.message == "worker exited" && $0["worker.pid"] == "\(worker.pid)" }
            #expect(exit?["status"] == "exit code 0", "\(daemon.jsonLogText)")
        }
        #expect(!lines.contains { $0.message == "worker died" })
        #expect(one[0].restarts == 0)

        // Below one is an error and changes nothing.
        for invalid in ["0", "-1"] {
            let result = try daemon.admin.run(["scale", invalid])
            #expect(result.exitCode == (invalid == "0" ? 1 : 2), "\(result)")
            #expect(!result.stderr.isEmpty)
        }
        #expect(try daemon.admin.run(["scale", "many"]).exitCode == 2)
        #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: 1, ready: 1))
    }

    @Test func ttinAddsAWorkerAndTtouRemovesOne() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }

        // At one worker TTOU is ignored, with a warning.
        var mark = daemon.logLines.count
        daemon.signal(SIGTTOU)
        let ignored = try daemon.waitForMessage("TTOU ignored: already at one worker", after: mark)
        #expect(ignored.level == "warning")
        #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: 1, ready: 1))

        for count in [2, 3] {
            mark = daemon.logLines.count
            daemon.signal(SIGTTIN)
            let received = try daemon.waitForMessage("signal received", after: mark)
            #expect(received["signal"] == "SIGTTIN" && received["sender.pid"] == "\(getpid())", "\(received)")
            let workers = try daemon.admin.waitForWorkers(what: "\(count) workers") {
                $0.count == count && $0.ready.count == count
            }
            #expect(workers.map(\.id) == Array(1...count))
            #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: count, ready: count))
        }

        mark = daemon.logLines.count
        let three = try daemon.admin.workers()
        daemon.signal(SIGTTOU)
        let two = try daemon.admin.waitForWorkers(what: "two workers") { $0.count == 2 && $0.ready.count == 2 }
        #expect(two.map(\.id) == [1, 2])
        #expect(try daemon.admin.status().workers == AdminStatus.Workers(desired: 2, ready: 2))
        let removed = try #require(three.first { $0.id == 3 })
        #expect(ProcessTable.waitUntilGone([removed.pid], timeout: .seconds(5)).isEmpty)
        #expect(two.allSatisfy { $0.restarts == 0 })
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func scaleUpUnderLoadLosesNothing() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let tcp = try listeners.ndjson()
        let load = CallLoad(clients: [(.ndjson, tcp), (.ndjson, tcp)], policy: .retryUnanswered)
        load.start()
        defer { _ = load.stop() }
        try load.waitUntilEveryClient(answered: 10)
        #expect(try daemon.admin.run(["scale", "3"]).exitCode == 0)
        try daemon.admin.waitForWorkers { $0.ready.count == 3 }
        try load.waitForAnswers(beyond: load.report.answered, count: 100)
        #expect(try daemon.admin.run(["scale", "1"]).exitCode == 0)
        try daemon.admin.waitForWorkers { $0.count == 1 }
        try load.waitForAnswers(beyond: load.report.answered, count: 100)
        let report = load.stop()
        #expect(report.failures.isEmpty, "\(report)")
    }
}
