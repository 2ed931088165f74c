import RPCDSupervisor
import Testing

@Suite struct WorkerTableReloadTests {
    let t0 = ContinuousClock.now
    typealias Fixture = WorkerTableFixture
    let kill = WorkerTable.Signal.kill

    @Test func newGenerationNotReadyByTheDeadlineIsKilledAndTheOldOneKept() {
        var table = Fixture.running(desired: 2, .init(reloadTimeout: .seconds(10)), at: t0)
        #expect(table.beginReload(at: t0) == [.spawn(slot: 1, generation: 2), .spawn(slot: 2, generation: 2)])
        table.spawned(slot: 1, generation: 2, pid: 201, at: t0)
        table.spawned(slot: 2, generation: 2, pid: 202, at: t0)
        #expect(table.ready(pid: 201, at: t0).isEmpty)
        #expect(table.tick(at: t0 + .seconds(9)).isEmpty)

        let actions = table.tick(at: t0 + .seconds(10))
        #expect(
            Fixture.sorted(actions) == [
                .reloadFailed(generation: 2, reason: "the new generation was not ready in time"),
                .signal(pid: 201, signal: kill), .signal(pid: 202, signal: kill),
            ]
        )
        #expect(actions.last == .reloadFailed(generation: 2, reason: "the new generation was not ready in time"))
        #expect(!table.reloading)
        #expect(table.generation == 1)
        #expect(table.readyCount == 2)
        #expect(table.workers[101]?.state == .ready)
        #expect(table.workers[102]?.state == .ready)
        // The killed workers are already dealt with: no second SIGKILL, no restart when they are reaped.
        #expect(table.tick(at: t0 + .seconds(11)).isEmpty)
        #expect(table.exited(pid: 201, at: t0 + .seconds(11), jitter: 0).isEmpty)
        #expect(table.exited(pid: 202, at: t0 + .seconds(11), jitter: 0).isEmpty)
        #expect(table.restarts(slot: 1) == 0)
        #expect(table.restarts(slot: 2) == 0)
        // A later reload starts again from the kept generation.
        #expect(
            table.beginReload(at: t0 + .seconds(12)) == [
                .spawn(slot: 1, generation: 2), .spawn(slot: 2, generation: 2),
            ]
        )
    }

    @Test func newWorkerThatCannotBeSpawnedRollsBack() {
        var table = Fixture.running(desired: 1, at: t0)
        #expect(table.beginReload(at: t0) == [.spawn(slot: 1, generation: 2)])
        #expect(
            table.spawnFailed(slot: 1, generation: 2, at: t0, jitter: 0) == [
                .reloadFailed(generation: 2, reason: "a worker of the new generation could not be started")
            ]
        )
        #expect(table.generation == 1)
        #expect(table.readyCount == 1)
    }

    @Test func newWorkerThatExitsKillsTheRestOfItsGeneration() {
        var table = Fixture.running(desired: 2, at: t0)
        _ = table.beginReload(at: t0)
        table.spawned(slot: 1, generation: 2, pid: 201, at: t0)
        table.spawned(slot: 2, generation: 2, pid: 202, at: t0)
        #expect(
            table.exited(pid: 201, at: t0, jitter: 0) == [
                .signal(pid: 202, signal: kill),
                .reloadFailed(generation: 2, reason: "a worker of the new generation exited before it was ready"),
            ]
        )
        #expect(table.readyCount == 2)
    }

    @Test func oldWorkerDyingDuringAReloadCountsButIsNotRestarted() {
        var table = Fixture.running(desired: 1, at: t0)
        _ = table.beginReload(at: t0)
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.restarts(slot: 1) == 1)
        table.spawned(slot: 1, generation: 2, pid: 201, at: t0)
        #expect(table.ready(pid: 201, at: t0) == [.reloadSucceeded(generation: 2)])
    }

    @Test func reloadIsRefusedWhileOneRunsOrAStopHasBegun() {
        var table = Fixture.running(desired: 1, at: t0)
        _ = table.beginReload(at: t0)
        #expect(table.beginReload(at: t0).isEmpty)
        var stopping = Fixture.running(desired: 1, at: t0)
        _ = stopping.beginStop(quick: false, at: t0)
        #expect(stopping.beginReload(at: t0).isEmpty)
    }
}
