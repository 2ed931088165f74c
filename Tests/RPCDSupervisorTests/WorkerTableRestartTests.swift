import RPCDSupervisor
import Testing

@Suite struct WorkerTableRestartTests {
    let t0 = ContinuousClock.now
    typealias Fixture = WorkerTableFixture

    @Test func spawnFailureRetriesAtOnceThenWithGrowingBackoff() {
        var table = WorkerTable(desired: 1, settings: .init())
        #expect(table.start() == [.spawn(slot: 1, generation: 1)])
        #expect(table.spawnFailed(slot: 1, generation: 1, at: t0, jitter: 0) == [.spawn(slot: 1, generation: 1)])
        // Second failure in a row: 100 ms, plus up to 25 % jitter.
        #expect(table.spawnFailed(slot: 1, generation: 1, at: t0, jitter: 1).isEmpty)
        #expect(table.tick(at: t0 + .milliseconds(124)).isEmpty)
        #expect(table.tick(at: t0 + .milliseconds(125)) == [.spawn(slot: 1, generation: 1)])
        // Third: 200 ms.
        let t1 = t0 + .milliseconds(125)
        #expect(table.spawnFailed(slot: 1, generation: 1, at: t1, jitter: 0).isEmpty)
        #expect(table.tick(at: t1 + .milliseconds(199)).isEmpty)
        #expect(table.tick(at: t1 + .milliseconds(200)) == [.spawn(slot: 1, generation: 1)])
        // A process that never started did not exit: restarts counts exits only.
        #expect(table.restarts(slot: 1) == 0)
    }

    @Test func backoffResetsAfterAWorkerWasReadyLongEnough() {
        var table = Fixture.running(desired: 1, .init(restartPolicy: .init(stableAfter: .seconds(5))), at: t0)
        #expect(table.exited(pid: 101, at: t0, jitter: 0) == [.spawn(slot: 1, generation: 1)])
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        #expect(table.exited(pid: 102, at: t0, jitter: 0).isEmpty)
        let t1 = t0 + .milliseconds(100)
        #expect(table.tick(at: t1) == [.spawn(slot: 1, generation: 1)])
        table.spawned(slot: 1, generation: 1, pid: 103, at: t1)
        _ = table.ready(pid: 103, at: t1)
        // Ready for 5 s: its exit is a first failure again, restarted at once.
        let t2 = t1 + .seconds(5)
        #expect(table.exited(pid: 103, at: t2, jitter: 0) == [.spawn(slot: 1, generation: 1)])
        table.spawned(slot: 1, generation: 1, pid: 104, at: t2)
        // And the next one waits 100 ms, not the 200 ms a third failure in a row would.
        #expect(table.exited(pid: 104, at: t2, jitter: 0).isEmpty)
        #expect(table.tick(at: t2 + .milliseconds(99)).isEmpty)
        #expect(table.tick(at: t2 + .milliseconds(100)) == [.spawn(slot: 1, generation: 1)])
        #expect(table.restarts(slot: 1) == 4)
    }

    @Test func workerReadyBrieflyKeepsBackingOff() {
        var table = Fixture.running(desired: 1, .init(restartPolicy: .init(stableAfter: .seconds(5))), at: t0)
        _ = table.exited(pid: 101, at: t0, jitter: 0)
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        _ = table.ready(pid: 102, at: t0)
        #expect(table.exited(pid: 102, at: t0 + .seconds(4), jitter: 0).isEmpty)
        #expect(table.tick(at: t0 + .seconds(4) + .milliseconds(100)) == [.spawn(slot: 1, generation: 1)])
    }

    @Test func hungWorkerIsAbortedThenKilledAndCountsAsARestart() {
        var table = Fixture.running(desired: 2, .init(workerTimeout: .seconds(2), killGrace: .seconds(1)), at: t0)
        // Worker 102 keeps sending heartbeats; 101 falls silent.
        #expect(table.heartbeat(pid: 102, stats: WorkerStats(), at: t0 + .seconds(1)).isEmpty)
        #expect(table.tick(at: t0 + .seconds(2)) == [.signal(pid: 101, signal: WorkerTable.Signal.abort)])
        // A heartbeat after SIGABRT does not save it: the abort stands, SIGKILL follows after the grace.
        _ = table.heartbeat(pid: 101, stats: WorkerStats(), at: t0 + .milliseconds(2500))
        #expect(table.heartbeat(pid: 102, stats: WorkerStats(), at: t0 + .milliseconds(2500)).isEmpty)
        #expect(table.tick(at: t0 + .milliseconds(2999)).isEmpty)
        #expect(table.tick(at: t0 + .seconds(3)) == [.signal(pid: 101, signal: WorkerTable.Signal.kill)])
        #expect(table.tick(at: t0 + .milliseconds(3500)).isEmpty)
        #expect(table.exited(pid: 101, at: t0 + .milliseconds(3500), jitter: 0) == [.spawn(slot: 1, generation: 1)])
        #expect(table.restarts(slot: 1) == 1)
        #expect(table.restarts(slot: 2) == 0)
    }

    @Test func workerThatNeverReportsReadyIsAbortedToo() {
        var table = Fixture.running(desired: 1, .init(workerTimeout: .seconds(2)), ready: false, at: t0)
        #expect(table.tick(at: t0 + .seconds(2)) == [.signal(pid: 101, signal: WorkerTable.Signal.abort)])
    }
}
