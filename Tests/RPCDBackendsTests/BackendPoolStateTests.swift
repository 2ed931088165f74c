import RPCDBackends
import RPCDSystem
import Testing

/// A call as the state machine sees it: an identity, here with a name to read the actions by.
final class StateCall {
    let name: String
    init(_ name: String) { self.name = name }
}

typealias State = BackendPoolState<StateCall>

/// The actions as short words, so the expectations read like the design.
func words(_ actions: [State.Action]) -> [String] {
    actions.map { action in
        switch action {
        case .spawn(let id): "spawn \(id)"
        case .send(let id, let requestID, let call):
            "send \(call.name) to \(id) as \(requestID.map(String.init) ?? "-")"
        case .discover(let id, let requestID): "discover \(id) as \(requestID)"
        case .cancelRequest(let id, let requestID): "cancel \(requestID) of \(id)"
        case .fail(let call, let failure): "fail \(call.name) \(failure)"
        case .kill(let id, let pid): "kill \(id) pid \(pid)"
        case .closeInput(let id): "close \(id)"
        case .terminate(let pid): "term \(pid)"
        case .killGroup(let pid): "kill group \(pid)"
        case .discoveryFinished: "discovered"
        }
    }
}

@Suite struct BackendPoolStateTests {
    let t0 = ContinuousClock.now

    func settings(
        instances: Int = 1,
        concurrency: Int = 1,
        queue: Int = 2,
        maxCalls: Int = 0,
        discovers: Bool = false
    ) -> State.Settings {
        State.Settings(
            instances: instances,
            concurrency: concurrency,
            queue: queue,
            startTimeout: .seconds(1),
            stopTimeout: .seconds(5),
            maxCalls: maxCalls,
            discovers: discovers
        )
    }

    /// A pool whose instances 1... run as pids 101... and are ready.
    func running(_ settings: State.Settings) -> State {
        var state = State(settings: settings, now: t0, seed: 7)
        for action in state.start(now: t0) {
            guard case .spawn(let id) = action else { continue }
            _ = state.spawned(instance: id, pid: Int32(100 + id), now: t0)
        }
        return state
    }

    @Test func discoveryMakesAnInstanceReadyAndQueuedCallsGoOut() {
        var state = State(settings: settings(discovers: true), now: t0, seed: 7)
        #expect(words(state.start(now: t0)) == ["spawn 1"])
        let a = StateCall("a")
        // Nothing is ready: the call waits.
        #expect(words(state.submit(a, isNotification: false, deadline: t0 + .seconds(9), now: t0)).isEmpty)
        #expect(words(state.spawned(instance: 1, pid: 101, now: t0)) == ["discover 1 as 1"])
        let (response, _) = state.responded(instance: 1, requestID: 1, now: t0)
        guard case .discovery = response else {
            Issue.record("the answer to rpc.discover is not recognised")
            return
        }
        #expect(words(state.discovered(instance: 1, now: t0)) == ["discovered", "send a to 1 as 2"])
        #expect(state.readyCount == 1)
    }

    @Test func leastLoadedInstanceFirstThenQueueThenQueueFull() {
        var state = running(settings(instances: 2, concurrency: 2, queue: 1))
        let calls = (0..<6).map { StateCall("c\($0)") }
        let deadline = t0 + .seconds(9)
        let sent = calls.prefix(4).flatMap {
            words(state.submit($0, isNotification: false, deadline: deadline, now: t0))
        }
        #expect(sent == ["send c0 to 1 as 1", "send c1 to 2 as 1", "send c2 to 1 as 2", "send c3 to 2 as 2"])
        #expect(words(state.submit(calls[4], isNotification: false, deadline: deadline, now: t0)).isEmpty)
        #expect(
            words(state.submit(calls[5], isNotification: false, deadline: deadline, now: t0)) == ["fail c5 queueFull"]
        )
        // A slot frees: the queued call takes it.
        let (response, actions) = state.responded(instance: 2, requestID: 1, now: t0)
        guard case .call(let answered) = response else {
            Issue.record("no call for the answer")
            return
        }
        #expect(answered === calls[1])
        #expect(words(actions) == ["send c4 to 2 as 3"])
    }

    @Test func anUnknownIdKillsTheInstanceAndItsCallsFailWithTheStatusOnceCollected() {
        var state = running(settings(concurrency: 2))
        let (a, b) = (StateCall("a"), StateCall("b"))
        _ = state.submit(a, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        _ = state.submit(b, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        let (response, actions) = state.responded(instance: 1, requestID: 99, now: t0)
        guard case .unknown = response else {
            Issue.record("an id never given is not refused")
            return
        }
        #expect(words(actions) == ["kill 1 pid 101"])
        #expect(
            words(state.exited(instance: 1, status: .signaled(9, coreDumped: false), now: t0)) == [
                "kill group 101",
                "fail a backendFailed(reason: \"answered id 99, which it was not given\", status: Optional(signal SIGKILL))",
                "fail b backendFailed(reason: \"answered id 99, which it was not given\", status: Optional(signal SIGKILL))",
                "spawn 2",
            ]
        )
        #expect(state.restarts == 1)
    }

    @Test func restartsAtOnceThenWithDoublingBackoff() {
        var state = running(settings())
        #expect(words(state.exited(instance: 1, status: .exited(3), now: t0)) == ["kill group 101", "spawn 2"])
        _ = state.spawned(instance: 2, pid: 102, now: t0)
        #expect(words(state.exited(instance: 2, status: .exited(3), now: t0)) == ["kill group 102"])
        #expect(words(state.tick(now: t0 + .milliseconds(99))).isEmpty)
        #expect(words(state.tick(now: t0 + .milliseconds(100))) == ["spawn 3"])
        let t1 = t0 + .milliseconds(100)
        _ = state.spawned(instance: 3, pid: 103, now: t1)
        _ = state.exited(instance: 3, status: .exited(3), now: t1)
        #expect(words(state.tick(now: t1 + .milliseconds(199))).isEmpty)
        #expect(words(state.tick(now: t1 + .milliseconds(200))) == ["spawn 4"])
        #expect(state.restarts == 3)
    }

    @Test func callsWaitingWithoutAReadyInstanceAreUnavailableAfterTheStartTimeout() {
        var state = State(settings: settings(), now: t0, seed: 7)
        _ = state.start(now: t0)
        let a = StateCall("a")
        _ = state.submit(a, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        #expect(words(state.tick(now: t0 + .milliseconds(999))).isEmpty)
        #expect(words(state.tick(now: t0 + .seconds(1))) == ["fail a unavailable"])
        // Still nothing ready: a new call is refused at once.
        #expect(
            words(
                state.submit(StateCall("b"), isNotification: false, deadline: t0 + .seconds(9), now: t0 + .seconds(1))
            )
                == ["fail b unavailable"]
        )
    }

    @Test func aDeadlineSendsCancelRequestAndASingleSlotInstanceIsKilledTwoSecondsLater() {
        var state = running(settings())
        let a = StateCall("a")
        _ = state.submit(a, isNotification: false, deadline: t0 + .seconds(1), now: t0)
        #expect(words(state.tick(now: t0 + .seconds(1))) == ["fail a timedOut", "cancel 1 of 1"])
        #expect(words(state.tick(now: t0 + .milliseconds(2999))).isEmpty)
        #expect(words(state.tick(now: t0 + .seconds(3))) == ["kill 1 pid 101"])
    }

    @Test func aLateAnswerWithSeveralSlotsIsDroppedNotAViolation() {
        var state = running(settings(concurrency: 2))
        let a = StateCall("a")
        _ = state.submit(a, isNotification: false, deadline: t0 + .seconds(1), now: t0)
        #expect(words(state.cancel(a, now: t0)) == ["fail a timedOut", "cancel 1 of 1"])
        #expect(state.inFlightCount == 0)
        let (response, actions) = state.responded(instance: 1, requestID: 1, now: t0)
        guard case .dropped = response else {
            Issue.record("a late answer is not dropped")
            return
        }
        #expect(actions.isEmpty)
    }

    @Test func recyclingStartsTheReplacementFirstAndRetiresTheOldOneWhenIdle() {
        var state = running(settings(maxCalls: 2))
        let (a, b, c) = (StateCall("a"), StateCall("b"), StateCall("c"))
        _ = state.submit(a, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        _ = state.responded(instance: 1, requestID: 1, now: t0)
        _ = state.submit(b, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        #expect(words(state.responded(instance: 1, requestID: 2, now: t0).1) == ["spawn 2"])
        // The old one keeps taking calls until the replacement is ready.
        #expect(
            words(state.submit(c, isNotification: false, deadline: t0 + .seconds(9), now: t0)) == ["send c to 1 as 3"]
        )
        #expect(words(state.spawned(instance: 2, pid: 102, now: t0)).isEmpty)
        #expect(state.instances[1]?.phase == .retiring)
        #expect(words(state.responded(instance: 1, requestID: 3, now: t0).1) == ["close 1"])
        #expect(words(state.exited(instance: 1, status: .exited(0), now: t0)) == ["kill group 101"])
        #expect(state.restarts == 0)
        #expect(state.readyCount == 1)
    }

    @Test func shutdownDrainsThenClosesStdinThenTermThenKill() {
        var state = running(settings())
        let (a, b) = (StateCall("a"), StateCall("b"))
        _ = state.submit(a, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        _ = state.submit(b, isNotification: false, deadline: t0 + .seconds(9), now: t0)
        #expect(words(state.shutdown(now: t0)) == ["fail b unavailable"])
        #expect(
            words(state.submit(StateCall("c"), isNotification: false, deadline: t0, now: t0)) == ["fail c unavailable"]
        )
        #expect(words(state.responded(instance: 1, requestID: 1, now: t0).1) == ["close 1"])
        #expect(words(state.tick(now: t0 + .seconds(5))) == ["term 101"])
        #expect(words(state.tick(now: t0 + .seconds(7))) == ["kill 1 pid 101"])
        #expect(!state.isFinished)
        #expect(
            words(state.exited(instance: 1, status: .signaled(9, coreDumped: false), now: t0)) == ["kill group 101"]
        )
        #expect(state.isFinished)
    }

    @Test func notificationsAreSentWithoutAnIdAndHoldNoSlot() {
        var state = running(settings())
        let n = StateCall("n")
        #expect(
            words(state.submit(n, isNotification: true, deadline: t0 + .seconds(9), now: t0)) == ["send n to 1 as -"]
        )
        #expect(state.inFlightCount == 0)
    }

    @Test func aResidentSizeOverMaxRSSRecyclesOnce() {
        var settings = settings()
        settings.maxRSSBytes = 1000
        var state = running(settings)
        #expect(words(state.measured(instance: 1, rssBytes: 900, now: t0)).isEmpty)
        #expect(words(state.measured(instance: 1, rssBytes: 1001, now: t0)) == ["spawn 2"])
        // Its replacement is on its way: no second one.
        #expect(words(state.measured(instance: 1, rssBytes: 2000, now: t0)).isEmpty)
        #expect(words(state.spawned(instance: 2, pid: 102, now: t0)) == ["close 1"])
        #expect(state.restarts == 0)
    }
}
