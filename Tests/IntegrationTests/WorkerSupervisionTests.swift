import Foundation
import Glibc
import TestSupport
import Testing

/// Supervision in master mode (DESIGN §5, §9 "Processes"): a worker that traps, is killed or
/// hangs is replaced in its slot, its `restarts` count grows, and connections served by the other
/// workers never notice.
@Suite(.serialized) struct WorkerSupervisionTests {
    /// How the victim worker dies.
    enum Death: String, CaseIterable, CustomTestStringConvertible, Sendable {
        /// `test.crash`: a Swift trap inside a call.
        case trap
        /// `kill -9` from outside.
        case sigkill

        var testDescription: String { self == .trap ? "test.crash" : "SIGKILL" }
    }

    @Test("a dead worker is replaced while the other workers' connections are served", arguments: Death.allCases)
    func deadWorkerIsReplaced(_ death: Death) throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 3,
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0"
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        let before = try daemon.admin.workers()
        try #require(before.count == 3 && before.allSatisfy { $0.state == "ready" && $0.restarts == 0 }, "\(before)")
        #expect(Set(before.map(\.pid)) == daemon.childPIDs)
        let victim = before[0]

        // Four clients looping calls on their own connections, placed on workers 2 and 3; nothing
        // may happen to them, so an unanswered request counts as failed.
        let loads = [
            (before[1], CallLoad(clients: [(.ndjson, endpoint), (.ndjson, endpoint)], policy: .failUnanswered)),
            (
                before[2],
                CallLoad(clients: [(.ndjson, endpoint), (.http, try listeners.http())], policy: .failUnanswered)
            ),
        ]
        for (worker, load) in loads {
            try daemon.withOnlyWorker(worker.pid) {
                load.start()
                try load.waitUntilConnected()
            }
        }
        defer {
            for (_, load) in loads {
                _ = load.stop()
            }
        }
        for (_, load) in loads {
            try load.waitUntilEveryClient(answered: 20)
        }
        // The victim serves a connection of its own.
        let victimClient = try daemon.connect(endpoint, toWorker: victim.pid)

        let mark = daemon.logLines.count
        switch death {
        case .trap:
            try victimClient.send(JSONRPCMessages.request("test.crash", id: "66"))
        case .sigkill:
            #expect(kill(victim.pid, SIGKILL) == 0)
        }
        // The worker dies with its connection: no answer, the connection ends.
        #expect(try victimClient.readLine(timeout: .seconds(10)) == nil)
        let died = try daemon.waitForMessage("worker died", after: mark) { $0["worker.pid"] == "\(victim.pid)" }
        // How fast the replacement is ready is measured by bench/lifecycle, not asserted here.
        let ready = try daemon.waitForWorkerReady(after: mark, id: victim.id, excluding: [victim.pid])
        let replacement = try #require(ready["worker.pid"].flatMap { Int32($0) })
        #expect(died["worker.id"] == "\(victim.id)")
        #expect(died["status"]?.contains("signal") == true, "\(died)")
        #expect(died.level == "warning")

        // The load keeps going across the replacement, then the table shows it.
        for (_, load) in loads {
            try load.waitForAnswers(beyond: load.report.answered, count: 100)
        }
        let workers = try daemon.admin.waitForWorkers(what: "the replacement ready") { workers in
            workers.count == 3 && workers.ready.count == 3 && workers.ready(id: victim.id)?.pid == replacement
        }
        for (worker, load) in loads {
            let report = load.stop()
            for client in report.clients {
                #expect(client.servedBy == [worker.pid], "\(client)")
                #expect(client.failures.isEmpty, "\(client)")
                #expect(client.reconnects == 0, "\(client)")
            }
        }
        let replaced = try #require(workers.first { $0.id == victim.id })
        #expect(replaced.pid != victim.pid)
        #expect(replaced.generation == victim.generation)
        #expect(replaced.restarts == victim.restarts + 1)
        for other in before.dropFirst() {
            // The other slots kept their process and their count.
            #expect(workers.first { $0.id == other.id }?.pid == other.pid)
            #expect(workers.first { $0.id == other.id }?.restarts == 0)
        }
        #expect(!ProcessTable.isAlive(victim.pid))
        #expect(daemon.childPIDs == Set(workers.map(\.pid)))
        #expect(!daemon.logLines.dropFirst(mark).contains { $0.message == "worker died" && $0.text != died.text })
        // The replacement serves.
        #expect(
            try daemon.connect(endpoint, toWorker: replacement).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong()
        )
        #expect(daemon.isRunning)
    }

    @Test func replacementOfAKilledWorkerServesNewConnections() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())
        let first = try client.servingPID()
        let mark = daemon.logLines.count
        #expect(kill(first, SIGKILL) == 0)
        #expect(try client.readLine() == nil, "a killed worker's connection must end")
        let ready = try daemon.waitForWorkerReady(after: mark, id: 1, excluding: [first])
        let again = try LineClient(listeners.ndjson())
        #expect(try again.servingPID() == Int32(ready["worker.pid"] ?? ""))
        let workers = try daemon.admin.workers()
        #expect(workers.count == 1 && workers[0].restarts == 1 && workers[0].state == "ready", "\(workers)")
    }

    @Test func hungWorkerIsAbortedAndReplacedAfterTheWorkerTimeout() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_WORKER_TIMEOUT": "2s"]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        let before = try daemon.admin.workers()
        let (victim, other) = (before[0], before[1])
        let load = CallLoad(clients: [(.ndjson, endpoint), (.ndjson, endpoint)], policy: .failUnanswered)
        try daemon.withOnlyWorker(other.pid) {
            load.start()
            try load.waitUntilConnected()
        }
        defer { _ = load.stop() }
        try load.waitUntilEveryClient(answered: 10)
        let hanging = try daemon.connect(endpoint, toWorker: victim.pid)

        let mark = daemon.logLines.count
        let hungAt = ContinuousClock.now
        try hanging.send(JSONRPCMessages.request("test.hang", id: "7"))
        // Silent for RPCD_WORKER_TIMEOUT: SIGABRT, then (if it still lives) SIGKILL, then a replacement.
        try daemon.waitForMessage("worker silent too long, aborting it", after: mark) {
            $0["worker.pid"] == "\(victim.pid)"
        }
        let abortedAfter = ContinuousClock.now - hungAt
        // SIGABRT starts the Swift runtime's crash reporter in the worker; note it to check it ends.
        let reporters = try Poll.until("crash reporter or end of worker \(victim.pid)", interval: .milliseconds(5)) {
            let children = ProcessTable.children(of: victim.pid)
            return children.isEmpty && ProcessTable.isAlive(victim.pid) ? nil : children
        }
        defer {
            // Should one outlive the worker (see MasterShutdownTests.crashReporterOfAKilledWorkerHoldsNoPort),
            // end it: it belongs to this test's process tree.
            for reporter in reporters where ProcessTable.isAlive(reporter) {
                kill(reporter, SIGKILL)
            }
        }
        let died = try daemon.waitForMessage("worker died", after: mark, timeout: .seconds(10)) {
            $0["worker.pid"] == "\(victim.pid)"
        }
        let ready = try daemon.waitForWorkerReady(after: mark, id: victim.id, excluding: [victim.pid])
        let replacedAfter = ContinuousClock.now - hungAt
        #expect(abortedAfter >= .milliseconds(1500), "aborted before the worker timeout")
        #expect(replacedAfter < .seconds(8))
        #expect(died["status"]?.contains("signal") == true, "\(died)")
        #expect(try hanging.readLine(timeout: .seconds(5)) == nil, "the hung call's connection must end")

        try load.waitForAnswers(beyond: load.report.answered, count: 50)
        let workers = try daemon.admin.waitForWorkers {
            $0.ready.count == 2 && $0.ready(id: victim.id)?.pid != victim.pid
        }
        #expect(workers.first { $0.id == victim.id }?.restarts == 1)
        #expect(workers.first { $0.id == other.id }?.restarts == 0)
        #expect(workers.first { $0.id == other.id }?.pid == other.pid)
        #expect(Int32(ready["worker.pid"] ?? "") == workers.first { $0.id == victim.id }?.pid)
        #expect(!ProcessTable.isAlive(victim.pid))
        // Nothing the hung worker started outlives it (its crash reporter holds its listeners).
        let left = ProcessTable.waitUntilGone(reporters, timeout: .seconds(2))
        #expect(left.isEmpty, "the killed worker's crash reporter still runs: \(left)")
        let report = load.stop()
        for client in report.clients {
            #expect(client.servedBy == [other.pid], "\(client)")
            #expect(client.failures.isEmpty, "\(client)")
            #expect(client.reconnects == 0, "\(client)")
        }
    }

    @Test func workersIgnoreTerminalSignalsAndDrainOnSIGTERM() throws {
        // One worker: with more, the connection could land on any of them (and see the accept race).
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let before = try daemon.admin.workers()
        let client = try LineClient(listeners.ndjson())
        let pid = try client.servingPID()
        let target = try #require(before.first { $0.pid == pid })

        for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2] {
            #expect(kill(target.pid, signal) == 0)
            // A signal with a default action would act before the worker runs user code again, so
            // an answer proves this one was ignored (and SIGTSTP did not stop it).
            #expect(try client.call(JSONRPCMessages.ping(id: Int(signal))) == JSONRPCMessages.pong(id: Int(signal)))
        }
        #expect(try client.servingPID() == target.pid)
        #expect(ProcessTable.state(of: target.pid) != "T")
        let unchanged = try daemon.admin.workers()
        #expect(unchanged.map(\.pid) == before.map(\.pid))
        #expect(unchanged.allSatisfy { $0.restarts == 0 })

        // SIGTERM means drain: the call in flight is answered, then the connection ends, the worker
        // exits and the master starts another in its slot.
        try client.startSleep(ms: 500, id: 1)
        let mark = daemon.logLines.count
        #expect(kill(target.pid, SIGTERM) == 0)
        #expect(try client.readLine() == JSONRPCMessages.slept(ms: 500, id: 1))
        #expect(try client.isClosedByPeer())
        let exit = try daemon.waitForLog(after: mark) {
            ($0.message == "worker died" || $0.message == "worker exited") && $0["worker.pid"] == "\(target.pid)"
        }
        #expect(exit["status"] == "exit code 0", "\(exit)")
        try daemon.waitForWorkerReady(after: mark, id: target.id, excluding: [target.pid])
        #expect(daemon.isRunning)
    }

    @Test func crashLoopNeverTakesTheMasterDown() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        var pids: Set<Int32> = []
        for round in 1...4 {
            let mark = daemon.logLines.count
            let client = try LineClient(endpoint)
            pids.insert(try client.servingPID())
            try client.send(JSONRPCMessages.request("test.crash", id: "\(round)"))
            #expect(try client.readLine(timeout: .seconds(10)) == nil)
            // Restarts back off (100 ms, 200 ms, …) but always come.
            try daemon.waitForWorkerReady(after: mark, id: 1, excluding: pids, timeout: .seconds(15))
        }
        let workers = try daemon.admin.workers()
        #expect(workers.count == 1 && workers[0].restarts == 4, "\(workers)")
        #expect(try LineClient(endpoint).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(daemon.isRunning)
    }

    @Test func connectionsSpreadOverSeveralWorkersNeverKillOne() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(workers: 4, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        let before = try daemon.admin.workers()
        // Sequential connections: each wakes every idle worker's epoll on the shared listening
        // socket; one accepts, the others must simply find nothing to accept.
        for round in 0..<300 {
            let client = try LineClient(endpoint)
            #expect(try client.call(JSONRPCMessages.ping(id: round)) == JSONRPCMessages.pong(id: round))
            client.close()
        }
        // Release builds, and the binaries scripts/test builds for these tests, have SwiftNIO's
        // debug-only accept-race assertion off (apple/swift-nio#3500, see README); a worker that
        // loses the race must simply carry on.
        #expect(daemon.acceptRaceTraps == 0, "\(daemon.jsonLogText)")
        let after = try daemon.admin.workers()
        #expect(after.map(\.pid) == before.map(\.pid), "workers were replaced: \(after)")
        #expect(after.allSatisfy { $0.restarts == 0 }, "\(after)")
        #expect(!daemon.logLines.contains { $0.message == "worker died" }, "\(daemon.jsonLogText)")
    }
}
