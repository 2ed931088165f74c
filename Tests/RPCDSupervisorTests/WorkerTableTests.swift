import RPCDSupervisor
import Testing

@Suite struct WorkerTableTests {
    let t0 = ContinuousClock.now

    func table(desired: Int = 2, _ settings: WorkerTable.Settings = .init()) -> WorkerTable {
        WorkerTable(desired: desired, settings: settings)
    }

    @Test func startSpawnsEverySlotAndReadyCountsCapacity() {
        var table = self.table()
        #expect(table.start() == [.spawn(slot: 1, generation: 1), .spawn(slot: 2, generation: 1)])
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        table.spawned(slot: 2, generation: 1, pid: 102, at: t0)
        #expect(table.readyCount == 0)
        #expect(table.ready(pid: 101, at: t0).isEmpty)
        #expect(table.readyCount == 1)
    }

    @Test func firstCrashRestartsAtOnceThenBacksOff() {
        var table = self.table(desired: 1)
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        _ = table.ready(pid: 101, at: t0)
        #expect(table.exited(pid: 101, at: t0, jitter: 0) == [.spawn(slot: 1, generation: 1)])
        #expect(table.restarts(slot: 1) == 1)
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        // Dies again before being ready: the second consecutive failure waits 100 ms.
        #expect(table.exited(pid: 102, at: t0, jitter: 0).isEmpty)
        #expect(table.tick(at: t0 + .milliseconds(50)).isEmpty)
        #expect(table.tick(at: t0 + .milliseconds(100)) == [.spawn(slot: 1, generation: 1)])
    }

    @Test func silentWorkerGetsAbortThenKill() {
        var table = self.table(desired: 1, .init(workerTimeout: .seconds(2), killGrace: .seconds(1)))
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        _ = table.ready(pid: 101, at: t0)
        #expect(table.tick(at: t0 + .seconds(1)).isEmpty)
        #expect(table.tick(at: t0 + .seconds(2)) == [.signal(pid: 101, signal: WorkerTable.Signal.abort)])
        #expect(table.tick(at: t0 + .seconds(3)) == [.signal(pid: 101, signal: WorkerTable.Signal.kill)])
        #expect(table.exited(pid: 101, at: t0 + .seconds(3), jitter: 0) == [.spawn(slot: 1, generation: 1)])
    }

    @Test func reloadDrainsTheOldGenerationOnlyWhenTheNewOneIsReady() {
        var table = self.table(desired: 1)
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        _ = table.ready(pid: 101, at: t0)
        #expect(table.beginReload(at: t0) == [.spawn(slot: 1, generation: 2)])
        table.spawned(slot: 1, generation: 2, pid: 201, at: t0)
        #expect(
            table.ready(pid: 201, at: t0)
                == [.signal(pid: 101, signal: WorkerTable.Signal.terminate), .reloadSucceeded(generation: 2)]
        )
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.generation == 2)
    }

    @Test func reloadWhoseWorkerDiesRollsBack() {
        var table = self.table(desired: 1)
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        _ = table.ready(pid: 101, at: t0)
        _ = table.beginReload(at: t0)
        table.spawned(slot: 1, generation: 2, pid: 201, at: t0)
        let actions = table.exited(pid: 201, at: t0, jitter: 0)
        #expect(actions.contains { if case .reloadFailed(generation: 2, _) = $0 { true } else { false } })
        #expect(table.generation == 1)
        #expect(table.readyCount == 1)
    }

    @Test func gracefulStopDrainsEveryoneAndEndsWhenAllExited() {
        var table = self.table(desired: 2)
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        table.spawned(slot: 2, generation: 1, pid: 102, at: t0)
        let actions = table.beginStop(quick: false, at: t0)
        #expect(Set(actions.map { "\($0)" }).count == 2)
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.exited(pid: 102, at: t0, jitter: 0) == [.allStopped])
    }

    @Test func scaleUpSpawnsAndScaleDownDrains() {
        var table = self.table(desired: 1)
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0)
        #expect(table.scale(to: 3, at: t0) == [.spawn(slot: 2, generation: 1), .spawn(slot: 3, generation: 1)])
        table.spawned(slot: 2, generation: 1, pid: 102, at: t0)
        table.spawned(slot: 3, generation: 1, pid: 103, at: t0)
        let drained = table.scale(to: 1, at: t0)
        #expect(Set(drained.map { "\($0)" }).count == 2)
        #expect(table.exited(pid: 102, at: t0, jitter: 0).isEmpty)
        #expect(table.restarts(slot: 2) == 0)
    }

    @Test func recyclingStartsTheReplacementFirst() {
        var table = self.table(desired: 1, .init(maxRequests: 100))
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0, jitter: 0)
        _ = table.ready(pid: 101, at: t0)
        #expect(
            table.heartbeat(pid: 101, stats: WorkerStats(requests: 100), at: t0) == [.spawn(slot: 1, generation: 1)]
        )
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        #expect(table.ready(pid: 102, at: t0) == [.signal(pid: 101, signal: WorkerTable.Signal.terminate)])
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.restarts(slot: 1) == 0)
    }
}
