package import JSONRPC

/// One backend pool of one process that serves, as `rpcd-admin backends` and `/metrics` show it
/// (DESIGN §10.2). The master merges its workers' snapshots by name.
package struct BackendPoolSnapshot: Sendable, Hashable {
    /// One backend process.
    package struct Process: Sendable, Hashable {
        /// Its pid (the leader of its own process group).
        package var pid: Int32
        /// `starting`, `ready`, `retiring` (recycled, finishing its calls) or `stopping`.
        package var state: String
        /// Calls it has answered (or failed) so far.
        package var calls: Int
        /// Its resident set size when last measured; 0 when unknown.
        package var rssBytes: Int
        /// The worker slot that runs it, once the master has merged its workers' figures; nil before.
        package var worker: Int?

        /// Creates a process record.
        package init(pid: Int32, state: String, calls: Int, rssBytes: Int, worker: Int? = nil) {
            (self.pid, self.state, self.calls, self.rssBytes, self.worker) = (pid, state, calls, rssBytes, worker)
        }
    }

    /// The backend's name.
    package var name: String
    /// The methods it serves: `METHODS` as declared, or the names its `rpc.discover` listed.
    package var methods: [String]
    /// `INSTANCES`.
    package var desiredInstances: Int
    /// Instances ready to take calls.
    package var readyInstances: Int
    /// Calls sent to an instance and not yet answered.
    package var inFlight: Int
    /// Calls waiting for a free slot.
    package var queued: Int
    /// Instances started again after a crash, a protocol violation or a kill (recycling is not counted).
    package var restarts: Int
    /// Calls, errors (any error answer, rpcd's or the backend's) and latency.
    package var statistics: MethodStatisticsSnapshot
    /// The processes alive now.
    package var processes: [Process]

    /// Creates a snapshot.
    package init(
        name: String,
        methods: [String],
        desiredInstances: Int,
        readyInstances: Int = 0,
        inFlight: Int = 0,
        queued: Int = 0,
        restarts: Int = 0,
        statistics: MethodStatisticsSnapshot = MethodStatisticsSnapshot(),
        processes: [Process] = []
    ) {
        self.name = name
        self.methods = methods
        self.desiredInstances = desiredInstances
        self.readyInstances = readyInstances
        self.inFlight = inFlight
        self.queued = queued
        self.restarts = restarts
        self.statistics = statistics
        self.processes = processes
    }
}
