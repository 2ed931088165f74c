extension WorkerTable {
    /// Tells every worker to drain (graceful) or kills them (quick).
    package mutating func beginStop(quick: Bool, at now: ContinuousClock.Instant) -> [Action] {
        self.stopping = true
        self.reload = nil
        self.pendingRestarts.removeAll()
        if self.workers.isEmpty {
            return [.allStopped]
        }
        var actions: [Action] = []
        for (pid, worker) in self.workers {
            if quick {
                if !worker.killed {
                    self.workers[pid]?.killed = true
                    actions.append(.signal(pid: pid, signal: Signal.kill))
                }
            } else if worker.state != .draining {
                actions += self.drain(pid, at: now)
            }
        }
        return actions
    }
}
