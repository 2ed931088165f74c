package import JSONRPC

/// Calls, errors and per-method statistics over every worker the master has run, those gone
/// included, from the workers' heartbeats.
package struct FleetStatistics: Sendable {
    private var exitedTotals = WorkerStats()
    private var methods: [Int32: [String: MethodStatisticsSnapshot]] = [:]
    private var exitedMethods: [String: MethodStatisticsSnapshot] = [:]
    /// Each running worker's backend pools, as its last heartbeat carried them.
    package private(set) var backends: [Int32: [JSONValue]] = [:]

    /// No figures yet.
    package init() {}

    /// A heartbeat's per-method figures (totals since the worker started).
    package mutating func record(
        _ snapshot: [String: MethodStatisticsSnapshot],
        backends: [JSONValue] = [],
        from pid: Int32
    ) {
        self.methods[pid] = snapshot
        self.backends[pid] = backends
    }

    /// Folds an exited worker's last figures into the totals that outlive it.
    package mutating func workerExited(pid: Int32, stats: WorkerStats) {
        self.exitedTotals.requests += stats.requests
        self.exitedTotals.errors += stats.errors
        // A gone worker's backend processes are gone with it: only the running ones are shown.
        self.backends[pid] = nil
        for (name, snapshot) in self.methods.removeValue(forKey: pid) ?? [:] {
            self.exitedMethods[name, default: MethodStatisticsSnapshot()].merge(snapshot)
        }
    }

    /// Per-method statistics over every worker.
    package var mergedMethods: [String: MethodStatisticsSnapshot] {
        var merged = self.exitedMethods
        for methods in self.methods.values {
            for (name, snapshot) in methods {
                merged[name, default: MethodStatisticsSnapshot()].merge(snapshot)
            }
        }
        return merged
    }

    /// Calls and errors over every worker: the exited ones and the `running` ones' latest stats.
    package func totals(running: some Sequence<WorkerStats>) -> WorkerStats {
        var totals = self.exitedTotals
        for stats in running {
            totals.requests += stats.requests
            totals.errors += stats.errors
        }
        return totals
    }
}
