extension WorkerTable {
    /// A reload under way: the generation to return to and when the new one must be ready.
    struct Reload: Sendable {
        var previousGeneration: Int
        var deadline: ContinuousClock.Instant
    }

    /// Starts a new generation; the old one drains once every new worker is ready.
    package mutating func beginReload(at now: ContinuousClock.Instant) -> [Action] {
        guard self.reload == nil, !self.stopping else { return [] }
        self.reload = Reload(previousGeneration: self.generation, deadline: now + self.settings.reloadTimeout)
        self.generation += 1
        self.pendingRestarts.removeAll()
        return (1...max(self.desired, 1)).prefix(self.desired).map { self.requestSpawn(slot: $0) }
    }

    /// Whether every desired slot has a ready worker of the current generation.
    var newGenerationComplete: Bool {
        let ready = Set(
            self.workers.values.filter { $0.generation == self.generation && $0.state == .ready }.map(\.slot)
        )
        return (1...max(self.desired, 1)).prefix(self.desired).allSatisfy { ready.contains($0) }
    }

    /// Kills the new generation (it never served) and returns to the previous one.
    mutating func rollBack(_ reload: Reload, reason: String) -> [Action] {
        let failed = self.generation
        self.reload = nil
        self.generation = reload.previousGeneration
        self.spawning.removeAll()
        var actions: [Action] = []
        for (pid, var worker) in self.workers where worker.generation == failed && !worker.killed {
            // Planned: the new workers never served, so nothing is lost by killing them.
            worker.state = .draining
            worker.drainingSince = worker.startedAt
            worker.killed = true
            self.workers[pid] = worker
            actions.append(.signal(pid: pid, signal: Signal.kill))
        }
        actions.append(.reloadFailed(generation: failed, reason: reason))
        return actions
    }
}
