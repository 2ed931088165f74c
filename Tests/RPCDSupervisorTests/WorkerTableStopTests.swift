import RPCDSupervisor
import Testing

@Suite struct WorkerTableStopTests {
    let t0 = ContinuousClock.now
    typealias Fixture = WorkerTableFixture
    let kill = WorkerTable.Signal.kill
    let terminate = WorkerTable.Signal.terminate

    @Test func quickStopKillsEveryWorkerOnce() {
        var table = Fixture.running(desired: 2, at: t0)
        table.spawned(slot: 3, generation: 1, pid: 103, at: t0)  // still starting: killed all the same
        #expect(
            Fixture.sorted(table.beginStop(quick: true, at: t0)) == [
                .signal(pid: 101, signal: kill), .signal(pid: 102, signal: kill), .signal(pid: 103, signal: kill),
            ]
        )
        #expect(table.stopping)
        #expect(table.tick(at: t0 + .seconds(60)).isEmpty)
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.exited(pid: 103, at: t0, jitter: 0).isEmpty)
        #expect(table.exited(pid: 102, at: t0, jitter: 0) == [.allStopped])
        #expect(table.restarts(slot: 1) == 0)
    }

    @Test func quickStopAfterAGracefulOneKillsTheDrainingWorkers() {
        var table = Fixture.running(desired: 2, at: t0)
        #expect(
            Fixture.sorted(table.beginStop(quick: false, at: t0)) == [
                .signal(pid: 101, signal: terminate), .signal(pid: 102, signal: terminate),
            ]
        )
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.beginStop(quick: true, at: t0) == [.signal(pid: 102, signal: kill)])
        #expect(table.exited(pid: 102, at: t0, jitter: 0) == [.allStopped])
    }

    @Test func gracefulStopKillsStragglersPastTheShutdownTimeout() {
        var table = Fixture.running(desired: 2, .init(shutdownTimeout: .seconds(5)), at: t0)
        _ = table.beginStop(quick: false, at: t0)
        #expect(table.exited(pid: 101, at: t0 + .seconds(1), jitter: 0).isEmpty)
        #expect(table.tick(at: t0 + .seconds(4)).isEmpty)
        #expect(table.tick(at: t0 + .seconds(5)) == [.signal(pid: 102, signal: kill)])
        #expect(table.tick(at: t0 + .seconds(6)).isEmpty)
        #expect(table.exited(pid: 102, at: t0 + .seconds(6), jitter: 0) == [.allStopped])
    }

    @Test func stopWithNoWorkersEndsAtOnceAndCancelsPendingRestarts() {
        var table = Fixture.running(desired: 1, at: t0)
        // Slot 1 fails twice in a row (the second time before READY): its restart waits for the backoff.
        #expect(table.exited(pid: 101, at: t0, jitter: 0) == [.spawn(slot: 1, generation: 1)])
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        #expect(table.exited(pid: 102, at: t0, jitter: 0).isEmpty)
        #expect(table.beginStop(quick: false, at: t0) == [.allStopped])
        #expect(table.tick(at: t0 + .seconds(1)).isEmpty)
    }

    @Test func stopCancelsAReloadUnderWay() {
        var table = Fixture.running(desired: 1, at: t0)
        _ = table.beginReload(at: t0)
        table.spawned(slot: 1, generation: 2, pid: 201, at: t0)
        #expect(
            Fixture.sorted(table.beginStop(quick: false, at: t0)) == [
                .signal(pid: 101, signal: terminate), .signal(pid: 201, signal: terminate),
            ]
        )
        #expect(!table.reloading)
        #expect(table.ready(pid: 201, at: t0).isEmpty)
    }
}
