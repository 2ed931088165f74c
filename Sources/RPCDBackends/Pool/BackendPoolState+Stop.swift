extension BackendPoolState {
    /// Recycles instance `id` (`MAX_CALLS`, `MAX_RSS`): its replacement starts first; it keeps taking calls
    /// until that one is ready, then retires once idle. Not a restart.
    mutating func recycle(_ id: Int, now: ContinuousClock.Instant) -> [Action] {
        guard !self.draining, let instance = self.instances[id], instance.phase == .ready, instance.replacement == nil
        else { return [] }
        return [.spawn(instance: self.addInstance(now: now, replacing: id))]
    }

    /// The resident size of instance `id` was measured.
    package mutating func measured(instance id: Int, rssBytes: Int, now: ContinuousClock.Instant) -> [Action] {
        guard self.instances[id] != nil else { return [] }
        self.instances[id]!.rssBytes = rssBytes
        guard self.settings.maxRSSBytes > 0, rssBytes > self.settings.maxRSSBytes else { return [] }
        return self.recycle(id, now: now)
    }

    /// A retiring instance with nothing in flight closes its stdin and starts the stop sequence.
    mutating func stopIfIdle(_ id: Int, now: ContinuousClock.Instant) -> [Action] {
        guard let instance = self.instances[id], instance.phase == .retiring, instance.inFlight.isEmpty else {
            return []
        }
        self.instances[id]!.phase = .stopping(since: now, terminatedAt: nil, killed: false)
        return [.closeInput(instance: id)]
    }

    /// Drain: queued and new calls get -32004 `unavailable`, in-flight calls finish, then every instance
    /// stops (stdin closed, SIGTERM after `STOP_TIMEOUT`, SIGKILL `killGrace` later). Done at `isFinished`.
    package mutating func shutdown(now: ContinuousClock.Instant) -> [Action] {
        guard !self.draining else { return [] }
        self.draining = true
        self.pendingRestarts = []
        var actions: [Action] = self.queue.map { .fail(call: $0.call, failure: .unavailable) }
        self.queue = []
        if self.discoveryPending {
            self.discoveryPending = false
            actions.append(.discoveryFinished)
        }
        for id in self.instances.keys.sorted() {
            switch self.instances[id]!.phase {
            case .ready, .starting:
                self.instances[id]!.phase = .retiring
                self.instances[id]!.discoverRequestID = nil
                actions += self.stopIfIdle(id, now: now)
            case .spawning, .retiring, .stopping, .dead:
                // A spawning one stops as soon as it runs; the others are on their way already.
                actions += self.stopIfIdle(id, now: now)
            }
        }
        return actions
    }
}
