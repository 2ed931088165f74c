/// One backend pool over the whole service, as the `backends` result lists it (DESIGN §10.2).
package struct BackendInfo: AdminPayload {
    /// Instances wanted and instances ready, over every worker.
    package struct Instances: AdminPayload {
        /// `INSTANCES` times the serving processes.
        package var desired: Int
        /// Instances ready to take calls.
        package var ready: Int

        /// Creates the counts.
        package init(desired: Int, ready: Int) {
            self.desired = desired
            self.ready = ready
        }
    }

    /// One backend process.
    package struct Process: AdminPayload {
        /// Its pid.
        package var pid: Int32
        /// The worker slot that runs it (0 in single-process mode).
        package var worker: Int
        /// `starting`, `ready`, `retiring` or `stopping`.
        package var state: String
        /// Calls it has answered so far.
        package var calls: Int
        /// Its resident set size in bytes (0 when unknown).
        package var rssBytes: Int

        /// Creates a process record.
        package init(pid: Int32, worker: Int, state: String, calls: Int, rssBytes: Int) {
            self.pid = pid
            self.worker = worker
            self.state = state
            self.calls = calls
            self.rssBytes = rssBytes
        }

        private enum CodingKeys: String, CodingKey {
            case pid, worker, state, calls
            case rssBytes = "rss_bytes"
        }
    }

    /// The backend's name.
    package var name: String
    /// The methods it serves.
    package var methods: [String]
    /// Instances wanted and ready.
    package var instances: Instances
    /// Calls routed to it.
    package var calls: Int
    /// Calls that ended in an error.
    package var errors: Int
    /// Calls sent and not yet answered.
    package var inFlight: Int
    /// Calls waiting for a free instance.
    package var queued: Int
    /// Instances started again after a crash or a kill.
    package var restarts: Int
    /// Median call latency in milliseconds.
    package var p50Ms: Double
    /// 99th percentile call latency in milliseconds.
    package var p99Ms: Double
    /// The processes alive now.
    package var processes: [Process]

    /// Creates a backend record.
    package init(
        name: String,
        methods: [String],
        instances: Instances,
        calls: Int,
        errors: Int,
        inFlight: Int,
        queued: Int,
        restarts: Int,
        p50Ms: Double,
        p99Ms: Double,
        processes: [Process]
    ) {
        self.name = name
        self.methods = methods
        self.instances = instances
        self.calls = calls
        self.errors = errors
        self.inFlight = inFlight
        self.queued = queued
        self.restarts = restarts
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
        self.processes = processes
    }

    private enum CodingKeys: String, CodingKey {
        case name, methods, instances, calls, errors
        case inFlight = "in_flight"
        case queued, restarts
        case p50Ms = "p50_ms"
        case p99Ms = "p99_ms"
        case processes
    }
}
