extension WorkerTable {
    /// Tells every worker to drain (graceful) or kills them (quick). A graceful stop with a
    /// `stopGrace` first takes the service out of rotation for that long (`tick` goes on from
    /// there); a quick stop meanwhile skips the rest of the grace.
    package mutating func beginStop(quick: Bool, at now: ContinuousClock.Instant) -> [Action] {
        if !quick, !self.stopping, self.settings.stopGrace > .zero {
            guard self.stopGraceEnds == nil else { return [] }
            self.stopGraceEnds = now + self.settings.stopGrace
            return self.setDraining(true)
        }
        self.stopGraceEnds = nil
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

extension WorkerTable {
    /// Takes the service out of rotation or back in; during a stop it stays out.
    /// - Returns: `.announceDraining` for every worker when that changed anything.
    package mutating func setDraining(_ draining: Bool) -> [Action] {
        guard draining != self.draining, draining || !self.stopRequested else { return [] }
        self.draining = draining
        return [.announceDraining(draining)]
    }
}
