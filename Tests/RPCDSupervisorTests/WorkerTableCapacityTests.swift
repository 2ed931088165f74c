import RPCDSupervisor
import Testing

@Suite struct WorkerTableCapacityTests {
    let t0 = ContinuousClock.now
    typealias Fixture = WorkerTableFixture
    let terminate = WorkerTable.Signal.terminate

    // MARK: Recycling at RPCD_MAX_REQUESTS

    @Test func recyclingLimitCarriesTheJitter() {
        var table = WorkerTable(desired: 1, settings: .init(maxRequests: 100))
        _ = table.start()
        table.spawned(slot: 1, generation: 1, pid: 101, at: t0, jitter: 0.5)
        #expect(table.workers[101]?.recycleAfter == 105)
        _ = table.ready(pid: 101, at: t0)
        #expect(table.heartbeat(pid: 101, stats: WorkerStats(requests: 104), at: t0).isEmpty)
        #expect(
            table.heartbeat(pid: 101, stats: WorkerStats(requests: 105), at: t0) == [.spawn(slot: 1, generation: 1)]
        )
    }

    @Test func recycledWorkerServesUntilItsReplacementIsReady() {
        var table = Fixture.running(desired: 1, .init(maxRequests: 10), at: t0)
        #expect(table.heartbeat(pid: 101, stats: WorkerStats(requests: 10), at: t0) == [.spawn(slot: 1, generation: 1)])
        // One replacement only, however many heartbeats arrive before it is ready.
        #expect(table.heartbeat(pid: 101, stats: WorkerStats(requests: 20), at: t0).isEmpty)
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        #expect(table.workers[101]?.state == .ready)
        #expect(table.readyCount == 1)
        #expect(table.ready(pid: 102, at: t0) == [.signal(pid: 101, signal: terminate)])
        #expect(table.workers[101]?.state == .draining)
        #expect(table.readyCount == 1)
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.restarts(slot: 1) == 0)
    }

    @Test func recycledWorkerThatCrashesIsNotRestartedTwice() {
        var table = Fixture.running(desired: 1, .init(maxRequests: 10), at: t0)
        _ = table.heartbeat(pid: 101, stats: WorkerStats(requests: 10), at: t0)
        // Its replacement is already on the way.
        #expect(table.exited(pid: 101, at: t0, jitter: 0).isEmpty)
        #expect(table.restarts(slot: 1) == 1)
        table.spawned(slot: 1, generation: 1, pid: 102, at: t0)
        #expect(table.ready(pid: 102, at: t0).isEmpty)
        #expect(table.readyCount == 1)
    }

    @Test func noRecyclingDuringAReloadOrAStop() {
        var reloading = Fixture.running(desired: 1, .init(maxRequests: 10), at: t0)
        _ = reloading.beginReload(at: t0)
        #expect(reloading.heartbeat(pid: 101, stats: WorkerStats(requests: 10), at: t0).isEmpty)
        var stopping = Fixture.running(desired: 1, .init(maxRequests: 10), at: t0)
        _ = stopping.beginStop(quick: false, at: t0)
        #expect(stopping.heartbeat(pid: 101, stats: WorkerStats(requests: 10), at: t0).isEmpty)
    }

    // MARK: Scaling

    @Test func scaleDownDrainsTheHighSlotsAndKillsThemPastTheShutdownTimeout() {
        var table = Fixture.running(desired: 3, .init(shutdownTimeout: .seconds(5)), at: t0)
        #expect(
            Fixture.sorted(table.scale(to: 1, at: t0)) == [
                .signal(pid: 102, signal: terminate), .signal(pid: 103, signal: terminate),
            ]
        )
        #expect(table.desired == 1)
        #expect(table.readyCount == 1)
        #expect(table.exited(pid: 102, at: t0 + .seconds(1), jitter: 0).isEmpty)
        #expect(table.tick(at: t0 + .seconds(5)) == [.signal(pid: 103, signal: WorkerTable.Signal.kill)])
        #expect(table.exited(pid: 103, at: t0 + .seconds(5), jitter: 0).isEmpty)
        #expect(table.restarts(slot: 2) == 0)
        #expect(table.restarts(slot: 3) == 0)
    }

    @Test func scaleUpSkipsSlotsThatAreTakenAndRefillsDrainedOnes() {
        var table = Fixture.running(desired: 2, at: t0)
        #expect(table.scale(to: 1, at: t0) == [.signal(pid: 102, signal: terminate)])
        // Slot 2's worker is still draining: a new one takes the slot at once.
        #expect(table.scale(to: 3, at: t0) == [.spawn(slot: 2, generation: 1), .spawn(slot: 3, generation: 1)])
        // Both spawns are under way: asking again changes nothing.
        #expect(table.scale(to: 3, at: t0).isEmpty)
    }

    @Test func scaleDownCancelsTheRestartOfARemovedSlot() {
        var table = Fixture.running(desired: 2, at: t0)
        #expect(table.exited(pid: 102, at: t0, jitter: 0) == [.spawn(slot: 2, generation: 1)])
        table.spawned(slot: 2, generation: 1, pid: 202, at: t0)
        #expect(table.exited(pid: 202, at: t0, jitter: 0).isEmpty)  // backing off
        #expect(table.scale(to: 1, at: t0).isEmpty)
        #expect(table.tick(at: t0 + .seconds(20)).isEmpty)
    }
}
