import RPCDSupervisor
import Testing

@Suite struct WorkerTableDrainTests {
    let t0 = ContinuousClock.now
    typealias Fixture = WorkerTableFixture
    let kill = WorkerTable.Signal.kill
    let terminate = WorkerTable.Signal.terminate

    @Test func drainAndUndrainAreAnnouncedOnlyWhenTheyChangeSomething() {
        var table = Fixture.running(desired: 2, at: t0)
        #expect(table.setDraining(false).isEmpty)
        #expect(table.setDraining(true) == [.announceDraining(true)])
        #expect(table.draining)
        #expect(table.setDraining(true).isEmpty)
        #expect(table.setDraining(false) == [.announceDraining(false)])
        #expect(!table.draining)
    }

    @Test func aGracefulStopWithAGraceDrainsFirstAndStopsWhenItEnds() {
        var table = Fixture.running(desired: 2, .init(stopGrace: .seconds(5)), at: t0)
        #expect(table.beginStop(quick: false, at: t0) == [.announceDraining(true)])
        #expect(!table.stopping)
        #expect(table.stopRequested)
        // A second graceful word changes nothing; undrain cannot bring a stopping service back.
        #expect(table.beginStop(quick: false, at: t0 + .seconds(1)).isEmpty)
        #expect(table.setDraining(false).isEmpty)
        #expect(table.tick(at: t0 + .seconds(4)).isEmpty)
        #expect(
            Fixture.sorted(table.tick(at: t0 + .seconds(5))) == [
                .signal(pid: 101, signal: terminate), .signal(pid: 102, signal: terminate),
            ]
        )
        #expect(table.stopping)
        #expect(table.stopGraceEnds == nil)
    }

    @Test func aQuickStopDuringTheGraceSkipsTheRestOfIt() {
        var table = Fixture.running(desired: 2, .init(stopGrace: .seconds(5)), at: t0)
        _ = table.beginStop(quick: false, at: t0)
        #expect(
            Fixture.sorted(table.beginStop(quick: true, at: t0 + .seconds(1))) == [
                .signal(pid: 101, signal: kill), .signal(pid: 102, signal: kill),
            ]
        )
        #expect(table.stopGraceEnds == nil)
        #expect(table.tick(at: t0 + .seconds(6)).isEmpty)
    }

    @Test func workersThatDieDuringTheGraceAreReplaced() {
        var table = Fixture.running(desired: 1, .init(stopGrace: .seconds(5)), at: t0)
        _ = table.beginStop(quick: false, at: t0)
        #expect(table.exited(pid: 101, at: t0, jitter: 0) == [.spawn(slot: 1, generation: 1)])
    }

    @Test func withoutAGraceAGracefulStopDrainsTheWorkersAtOnce() {
        var table = Fixture.running(desired: 1, at: t0)
        #expect(table.beginStop(quick: false, at: t0) == [.signal(pid: 101, signal: terminate)])
        #expect(!table.draining)
    }
}
