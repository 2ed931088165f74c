extension WorkerTable {
    // MARK: Worker events

    /// Starts the first generation.
    package mutating func start() -> [Action] {
        (1...max(self.desired, 1)).prefix(self.desired).map { self.requestSpawn(slot: $0) }
    }

    /// A worker process was started for `slot` of `generation`.
    package mutating func spawned(
        slot: Int,
        generation: Int,
        pid: Int32,
        at now: ContinuousClock.Instant,
        jitter: Double = 0
    ) {
        self.spawning.remove(slot)
        var worker = Worker(
            slot: slot,
            pid: pid,
            generation: generation,
            state: .starting,
            startedAt: now,
            lastHeard: now
        )
        if self.settings.maxRequests > 0 {
            worker.recycleAfter = self.settings.maxRequests + Int(Double(self.settings.maxRequests) * 0.1 * jitter)
        }
        self.workers[pid] = worker
    }

    /// Starting a worker failed: the slot is retried with backoff, like a crash.
    package mutating func spawnFailed(
        slot: Int,
        generation: Int,
        at now: ContinuousClock.Instant,
        jitter: Double
    ) -> [Action] {
        self.spawning.remove(slot)
        if let reload = self.reload, generation == self.generation {
            return self.rollBack(reload, reason: "a worker of the new generation could not be started")
        }
        return self.scheduleRestart(slot: slot, wasStable: false, at: now, jitter: jitter)
    }

    /// A worker reported READY.
    package mutating func ready(pid: Int32, at now: ContinuousClock.Instant) -> [Action] {
        guard var worker = self.workers[pid], worker.state == .starting else { return [] }
        worker.state = .ready
        worker.readyAt = now
        worker.lastHeard = now
        self.workers[pid] = worker
        var actions: [Action] = []
        // A recycled worker's replacement is ready: the old one may go now.
        if let old = self.workers.values.first(where: {
            $0.slot == worker.slot && $0.generation == worker.generation && $0.beingReplaced && $0.pid != pid
        }) {
            actions += self.drain(old.pid, at: now)
        }
        if let reload = self.reload, worker.generation == self.generation, self.newGenerationComplete {
            self.reload = nil
            for old in self.workers.values where old.generation == reload.previousGeneration {
                actions += self.drain(old.pid, at: now)
            }
            actions.append(.reloadSucceeded(generation: self.generation))
        }
        return actions
    }

    /// A heartbeat arrived with fresh statistics.
    package mutating func heartbeat(pid: Int32, stats: WorkerStats, at now: ContinuousClock.Instant) -> [Action] {
        guard var worker = self.workers[pid] else { return [] }
        worker.lastHeard = now
        worker.stats = stats
        self.workers[pid] = worker
        guard let limit = worker.recycleAfter, stats.requests >= limit, worker.state == .ready, !worker.beingReplaced,
            !self.stopping, self.reload == nil, worker.generation == self.generation
        else { return [] }
        // Start the replacement first, so capacity never drops.
        self.workers[pid]?.beingReplaced = true
        return [self.requestSpawn(slot: worker.slot)]
    }

    /// A worker process exited (reaped).
    package mutating func exited(pid: Int32, at now: ContinuousClock.Instant, jitter: Double) -> [Action] {
        guard let worker = self.workers.removeValue(forKey: pid) else { return [] }
        if self.stopping {
            return self.workers.isEmpty ? [.allStopped] : []
        }
        if worker.state == .draining {
            return []
        }
        if let reload = self.reload {
            if worker.generation == self.generation {
                return self.rollBack(reload, reason: "a worker of the new generation exited before it was ready")
            }
            // An old worker died while its replacement generation starts: nothing to restart.
            self.restartCounts[worker.slot, default: 0] += 1
            return []
        }
        guard worker.generation == self.generation else { return [] }
        self.restartCounts[worker.slot, default: 0] += 1
        if worker.beingReplaced {
            // Its replacement is already starting.
            return []
        }
        let wasStable = worker.readyAt.map { now - $0 >= self.settings.restartPolicy.stableAfter } ?? false
        return self.scheduleRestart(slot: worker.slot, wasStable: wasStable, at: now, jitter: jitter)
    }

    /// Schedules the restart of `slot` after an unplanned exit: at once, or after the backoff.
    mutating func scheduleRestart(
        slot: Int,
        wasStable: Bool,
        at now: ContinuousClock.Instant,
        jitter: Double
    ) -> [Action] {
        guard slot <= self.desired, !self.slotOccupied(slot) else { return [] }
        let failures = wasStable ? 1 : self.consecutiveFailures[slot, default: 0] + 1
        self.consecutiveFailures[slot] = failures
        let delay = self.settings.restartPolicy.delay(consecutiveFailures: failures, jitter: jitter)
        if delay == .zero {
            return [self.requestSpawn(slot: slot)]
        }
        self.pendingRestarts[slot] = now + delay
        return []
    }
}
