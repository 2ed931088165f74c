/// One worker process, as the `workers` result lists it.
package struct WorkerInfo: AdminPayload {
    /// The worker slot (stable across restarts of that slot).
    package var id: Int
    /// The process id.
    package var pid: Int32
    /// The generation it belongs to.
    package var generation: Int
    /// Its lifecycle state, e.g. `starting`, `ready`, `draining`.
    package var state: String
    /// Seconds since it was spawned.
    package var uptimeSeconds: Double
    /// Requests it served.
    package var requests: Int
    /// Error responses it sent.
    package var errors: Int
    /// Requests being handled right now.
    package var inFlight: Int
    /// Open client connections.
    package var connections: Int
    /// Resident set size in bytes.
    package var rssBytes: Int
    /// Unplanned exits of this slot (crash, signal, hung-worker kill).
    package var restarts: Int

    /// Creates a worker description.
    package init(
        id: Int,
        pid: Int32,
        generation: Int,
        state: String,
        uptimeSeconds: Double,
        requests: Int,
        errors: Int,
        inFlight: Int,
        connections: Int,
        rssBytes: Int,
        restarts: Int
    ) {
        self.id = id
        self.pid = pid
        self.generation = generation
        self.state = state
        self.uptimeSeconds = uptimeSeconds
        self.requests = requests
        self.errors = errors
        self.inFlight = inFlight
        self.connections = connections
        self.rssBytes = rssBytes
        self.restarts = restarts
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case pid
        case generation
        case state
        case uptimeSeconds = "uptime_seconds"
        case requests
        case errors
        case inFlight = "in_flight"
        case connections
        case rssBytes = "rss_bytes"
        case restarts
    }
}
