package import RPCDSystem

extension BackendPoolState {
    /// The process for `instance` runs as `pid`, its pipes are open.
    package mutating func spawned(instance id: Int, pid: Int32, now: ContinuousClock.Instant) -> [Action] {
        guard self.instances[id] != nil else { return [.killGroup(pid: pid)] }
        self.instances[id]!.pid = pid
        if self.draining {
            self.instances[id]!.phase = .stopping(since: now, terminatedAt: nil, killed: false)
            return [.closeInput(instance: id)]
        }
        guard self.settings.discovers else { return self.becomeReady(id, now: now) }
        self.instances[id]!.phase = .starting
        let requestID = self.instances[id]!.takeRequestID()
        self.instances[id]!.discoverRequestID = requestID
        return [.discover(instance: id, requestID: requestID)]
    }

    /// The process for `instance` could not be started: an unplanned end like a crash.
    package mutating func spawnFailed(instance id: Int, reason: String, now: ContinuousClock.Instant) -> [Action] {
        guard let instance = self.instances.removeValue(forKey: id) else { return [] }
        return self.ended(instance, failure: .backendFailed(reason: reason, status: nil), unplanned: true, now: now)
    }

    /// The instance's `rpc.discover` answer listed its methods: it is ready.
    package mutating func discovered(instance id: Int, now: ContinuousClock.Instant) -> [Action] {
        guard self.instances[id]?.phase == .starting else { return [] }
        return self.becomeReady(id, now: now)
    }

    mutating func becomeReady(_ id: Int, now: ContinuousClock.Instant) -> [Action] {
        self.instances[id]!.phase = .ready
        self.instances[id]!.readySince = now
        self.unavailableSince = nil
        var actions: [Action] = []
        if self.discoveryPending {
            self.discoveryPending = false
            actions.append(.discoveryFinished)
        }
        if let old = self.instances[id]!.replaces {
            // The replacement is taking calls: the old instance gets no more and stops once idle.
            self.instances[id]!.replaces = nil
            if self.instances[old]?.phase == .ready { self.instances[old]!.phase = .retiring }
            actions += self.stopIfIdle(old, now: now)
        }
        return actions + self.dispatchQueue(now: now)
    }

    /// Instance `id` broke the protocol, closed stdout or hung: killed; its calls fail once it is collected.
    package mutating func failed(instance id: Int, reason: String) -> [Action] {
        guard let instance = self.instances[id] else { return [] }
        switch instance.phase {
        case .dead:
            return []
        case .stopping:
            // Its stdout ending is the expected part of stopping; the stop sequence goes on.
            return []
        case .spawning:
            return []
        case .starting, .ready, .retiring:
            self.instances[id]!.phase = .dead(reason: reason)
            return [.kill(instance: id, pid: instance.pid)]
        }
    }

    /// The leader of instance `id` was collected with `status`.
    package mutating func exited(instance id: Int, status: ExitStatus, now: ContinuousClock.Instant) -> [Action] {
        guard let instance = self.instances.removeValue(forKey: id) else { return [] }
        let unplanned: Bool
        let reason: String
        switch instance.phase {
        case .dead(let why):
            (unplanned, reason) = (true, why)
        case .stopping:
            (unplanned, reason) = (false, "stopped")
        case .spawning, .starting, .ready, .retiring:
            (unplanned, reason) = (true, "exited")
        }
        var actions: [Action] = [.killGroup(pid: instance.pid)]
        actions += self.ended(
            instance,
            failure: .backendFailed(reason: reason, status: status),
            unplanned: unplanned,
            now: now
        )
        return actions
    }

    /// Fails what `instance` held, and starts another one if it ended unplanned.
    mutating func ended(
        _ instance: Instance,
        failure: Failure,
        unplanned: Bool,
        now: ContinuousClock.Instant
    )
        -> [Action]
    {
        var actions: [Action] = instance.inFlight.keys.sorted().compactMap { requestID in
            instance.inFlight[requestID]!.call.map { .fail(call: $0, failure: failure) }
        }
        if let old = instance.replaces { self.instances[old]?.replacement = nil }
        if let successor = instance.replacement { self.instances[successor]?.replaces = nil }
        if self.readyCount == 0, self.unavailableSince == nil { self.unavailableSince = now }
        if unplanned, !self.draining {
            if let since = instance.readySince, now - since >= self.settings.stableAfter {
                self.consecutiveFailures = 0
            }
            self.consecutiveFailures += 1
            self.restarts += 1
            let delay = self.settings.restartDelay(failures: self.consecutiveFailures)
            let replaces = instance.replaces.flatMap { self.instances[$0] != nil ? $0 : nil }
            if delay == .zero {
                actions.append(.spawn(instance: self.addInstance(now: now, replacing: replaces)))
            } else {
                self.pendingRestarts.append(PendingRestart(due: now + delay, replaces: replaces))
            }
        }
        return actions + self.dispatchQueue(now: now)
    }
}
