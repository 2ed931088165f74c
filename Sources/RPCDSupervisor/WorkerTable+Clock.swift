extension WorkerTable {
    /// Applies the clock: due restarts, hung workers, drains and reloads that overran.
    package mutating func tick(at now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        if let graceEnds = self.stopGraceEnds, now >= graceEnds {
            self.stopGraceEnds = nil
            self.stopping = true
            actions += self.beginStop(quick: false, at: now)
        }
        for (slot, due) in self.pendingRestarts where due <= now {
            self.pendingRestarts[slot] = nil
            if !self.stopping, slot <= self.desired {
                actions.append(self.requestSpawn(slot: slot))
            }
        }
        for (pid, worker) in self.workers {
            if worker.killed { continue }
            if let drainingSince = worker.drainingSince {
                if now - drainingSince >= self.settings.shutdownTimeout {
                    self.workers[pid]?.killed = true
                    actions.append(.signal(pid: pid, signal: Signal.kill))
                }
            } else if let abortedAt = worker.abortedAt {
                if now - abortedAt >= self.settings.killGrace {
                    self.workers[pid]?.killed = true
                    actions.append(.signal(pid: pid, signal: Signal.kill))
                }
            } else if now - worker.lastHeard >= self.settings.workerTimeout {
                self.workers[pid]?.abortedAt = now
                actions.append(.signal(pid: pid, signal: Signal.abort))
            }
        }
        if let reload = self.reload, now >= reload.deadline {
            actions += self.rollBack(reload, reason: "the new generation was not ready in time")
        }
        return actions
    }
}
