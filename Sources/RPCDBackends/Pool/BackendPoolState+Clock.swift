extension BackendPoolState {
    /// Time passed (a sweep every few tens of milliseconds): deadlines, `START_TIMEOUT`, the kill of a
    /// `CONCURRENCY=1` instance that ignored `$/cancelRequest`, the stop sequence, due restarts.
    package mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        let due = self.pendingRestarts.filter { $0.due <= now }
        if !due.isEmpty {
            self.pendingRestarts.removeAll { $0.due <= now }
            for restart in due {
                let replaces = restart.replaces.flatMap { self.instances[$0] != nil ? $0 : nil }
                actions.append(.spawn(instance: self.addInstance(now: now, replacing: replaces)))
            }
        }
        actions += self.expireQueue(now: now)
        for id in self.instances.keys.sorted() {
            actions += self.sweep(id, now: now)
        }
        if self.discoveryPending, now >= self.discoveryDeadline {
            self.discoveryPending = false
            actions.append(.discoveryFinished)
        }
        return actions + self.dispatchQueue(now: now)
    }

    mutating func expireQueue(now: ContinuousClock.Instant) -> [Action] {
        let unavailable =
            self.readyCount == 0 && self.unavailableSince.map { now >= $0 + self.settings.startTimeout } == true
        var actions: [Action] = []
        self.queue.removeAll { queued in
            if queued.deadline <= now {
                actions.append(.fail(call: queued.call, failure: .timedOut))
                return true
            }
            if unavailable {
                actions.append(.fail(call: queued.call, failure: .unavailable))
                return true
            }
            return false
        }
        return actions
    }

    mutating func sweep(_ id: Int, now: ContinuousClock.Instant) -> [Action] {
        guard let instance = self.instances[id] else { return [] }
        var actions: [Action] = []
        for requestID in instance.inFlight.keys.sorted() {
            let entry = instance.inFlight[requestID]!
            if entry.call != nil, entry.deadline <= now {
                actions += self.timeOut(requestID, of: id, now: now)
            } else if let cancelled = entry.cancelledAt, now >= cancelled + self.settings.killGrace {
                return actions
                    + self.failed(instance: id, reason: "no answer \(self.settings.killGrace) after $/cancelRequest")
            }
        }
        switch instance.phase {
        case .starting where now >= instance.startedAt + self.settings.startTimeout:
            actions += self.failed(
                instance: id,
                reason: "no answer to rpc.discover within \(self.settings.startTimeout)"
            )
        case .stopping(let since, nil, _) where now >= since + self.settings.stopTimeout:
            self.instances[id]!.phase = .stopping(since: since, terminatedAt: now, killed: false)
            actions.append(.terminate(pid: instance.pid))
        case .stopping(let since, let terminated?, false) where now >= terminated + self.settings.killGrace:
            self.instances[id]!.phase = .stopping(since: since, terminatedAt: terminated, killed: true)
            actions.append(.kill(instance: id, pid: instance.pid))
        default:
            break
        }
        return actions
    }
}
