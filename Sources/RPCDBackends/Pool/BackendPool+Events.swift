internal import JSONRPC
internal import NIOCore
internal import RPCDSystem

extension BackendPool {
    /// A line from instance `id`'s stdout.
    func received(_ bytes: UnsafeRawBufferPointer, from id: Int) {
        switch BackendLine(bytes) {
        case .violation(let reason):
            self.violated(id, reason: reason)
        case .response(let requestID, let outcome):
            let (response, actions, channels) = self.core.withLockedValue { core in
                let (response, actions) = core.state.responded(instance: id, requestID: requestID, now: .now)
                return (response, actions, core.channels)
            }
            switch response {
            case .call(let call):
                call.give(outcome.mapError { $0 })
            case .discovery:
                self.discovered(outcome, from: id)
            case .dropped, .unknown:
                break
            }
            self.perform(actions, channels: channels)
        }
    }

    /// Instance `id` broke the protocol: killed, its calls fail with -32006.
    func violated(_ id: Int, reason: String) {
        let pid = self.core.withLockedValue { $0.state.instances[id]?.pid ?? 0 }
        self.logger.warning(
            "backend instance broke the protocol",
            metadata: ["backend.name": "\(self.settings.name)", "backend.pid": "\(pid)", "reason": "\(reason)"]
        )
        self.event { $0.failed(instance: id, reason: reason) }
    }

    /// Instance `id`'s stdout ended: it is gone (or going); collected as soon as it can be.
    func outputClosed(_ id: Int) {
        let (actions, channel) = self.core.withLockedValue { core -> ([Action], (any Channel)?) in
            core.closedOutputs.insert(id)
            if let exit = core.exits[id] { return self.exited(id, status: exit.status, core: &core) }
            return (core.state.failed(instance: id, reason: "exited"), nil)
        }
        channel?.close(promise: nil)
        self.perform(actions)
        if let pid = self.core.withLockedValue({ $0.state.instances[id]?.pid }), pid > 0 {
            self.collectSoon(id, pid: pid, after: .zero)
        }
    }

    /// The `rpc.discover` answer of instance `id`.
    func discovered(_ outcome: Result<JSONValue, JSONRPCError>, from id: Int) {
        guard case .success(let result) = outcome, case .array(let methods)? = result["methods"] else {
            let reason =
                if case .failure(let error) = outcome { "rpc.discover failed: \(error.message)" } else {
                    "rpc.discover answered without a methods array"
                }
            self.violated(id, reason: reason)
            return
        }
        let names = methods.compactMap { $0["name"]?.stringValue }
        let actions = self.core.withLockedValue { core in
            core.methodObjects = methods.filter { $0["name"]?.stringValue != nil }
            core.methodNames = names
            return core.state.discovered(instance: id, now: .now)
        }
        self.methodsLearned(self, names)
        self.perform(actions)
    }

    /// Tries to collect instance `id` now and again after `delay` (doubling) until it is, or the sweep takes over.
    func collectSoon(_ id: Int, pid: Int32, after delay: TimeAmount) {
        if delay == .zero {
            if self.collect(id, pid: pid) { return }
            self.collectSoon(id, pid: pid, after: .milliseconds(1))
            return
        }
        guard delay < Self.tickInterval else { return }
        self.group.next().scheduleTask(in: delay) {
            if !self.collect(id, pid: pid) { self.collectSoon(id, pid: pid, after: delay * 2) }
        }
    }

    /// Collects the leader of instance `id` if it has exited; whatever is left of its group is killed.
    /// - Returns: whether it had exited.
    @discardableResult
    func collect(_ id: Int, pid: Int32, force: Bool = false) -> Bool {
        guard let status = ChildReaping.collectIfExited(pid) else { return false }
        // Its forked children may hold stdout open: they go with it, so the end of file comes.
        ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
        let (actions, channel) = self.core.withLockedValue { core -> ([Action], (any Channel)?) in
            guard core.state.instances[id]?.pid == pid else { return ([], nil) }
            if core.closedOutputs.contains(id) { return self.exited(id, status: status, core: &core) }
            core.exits[id] = (status, .now)
            return ([], nil)
        }
        channel?.close(promise: nil)
        self.perform(actions)
        return true
    }

    /// The instance is gone: forget its handles, let the state fail its calls and restart it.
    /// - Returns: the actions, and its channel for the caller to close outside the lock (closing
    ///   on the loop's own thread runs its handlers at once, and they take the lock).
    func exited(_ id: Int, status: ExitStatus, core: inout Core) -> ([Action], (any Channel)?) {
        core.exits[id] = nil
        core.closedOutputs.remove(id)
        let channel = core.channels.removeValue(forKey: id)?.channel
        return (core.state.exited(instance: id, status: status, now: .now), channel)
    }

    /// The sweep: the clock's events, collecting exited instances, measuring resident sizes.
    func tick() {
        let now = ContinuousClock.now
        let (actions, channels, closing, live, measure) = self.core.withLockedValue { core in
            core.ticks += 1
            var actions = core.state.tick(now: now)
            var closing: [any Channel] = []
            // Collected while a process outside the group still held stdout: do not wait for it forever.
            for (id, exit) in core.exits where now - exit.at >= .seconds(1) {
                let (more, channel) = self.exited(id, status: exit.status, core: &core)
                actions += more
                closing += channel.map { [$0] } ?? []
            }
            let live = core.state.instances.values.filter { $0.pid > 0 && core.exits[$0.id] == nil }.map {
                ($0.id, $0.pid)
            }
            return (actions, core.channels, closing, live, core.ticks % Self.ticksPerMeasurement == 0)
        }
        for channel in closing { channel.close(promise: nil) }
        self.perform(actions, channels: channels)
        self.checkLingeringGroups(now: now)
        for (id, pid) in live where !self.collect(id, pid: pid) && measure {
            guard let bytes = ChildProcesses.residentBytes(pid) else { continue }
            self.event { $0.measured(instance: id, rssBytes: bytes, now: .now) }
        }
    }
}

extension BackendPool {
    /// How long a killed group may take to vanish (its orphans are collected by init) before the drain stops waiting.
    static let lingerLimit = Duration.seconds(2)

    /// Groups killed after their leader was collected, until no process of theirs is left, zombies included:
    /// the drain returns only then, so no orphan survives it.
    func checkLingeringGroups(now: ContinuousClock.Instant) {
        let groups = self.core.withLockedValue { $0.lingeringGroups }
        guard !groups.isEmpty else { return }
        var gone: [Int32] = []
        for (group, since) in groups {
            if !ProcessGroupSpawner.signalGroup(group, SignalNumber.kill) {
                gone.append(group)
            } else if now - since >= Self.lingerLimit {
                self.logger.warning(
                    "backend process group still has processes after SIGKILL",
                    metadata: ["backend.name": "\(self.settings.name)", "backend.pid": "\(group)"]
                )
                gone.append(group)
            }
        }
        self.core.withLockedValue { core in
            for group in gone { core.lingeringGroups[group] = nil }
        }
        self.resumeStopWaitersIfFinished()
    }
}
