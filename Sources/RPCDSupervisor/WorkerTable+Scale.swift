extension WorkerTable {
    /// Changes the number of workers.
    package mutating func scale(to count: Int, at now: ContinuousClock.Instant) -> [Action] {
        let previous = self.desired
        self.desired = count
        var actions: [Action] = []
        if count > previous {
            for slot in (previous + 1)...count where !self.slotOccupied(slot) {
                actions.append(self.requestSpawn(slot: slot))
            }
        } else {
            for slot in self.pendingRestarts.keys where slot > count {
                self.pendingRestarts[slot] = nil
            }
            for worker in self.workers.values where worker.generation == self.generation && worker.slot > count {
                actions += self.drain(worker.pid, at: now)
            }
        }
        return actions
    }
}
