/// The `status` result: who is running, since when, with how many workers and where it listens.
package struct StatusResult: AdminPayload {
    /// Ready and desired worker counts.
    package struct Workers: AdminPayload {
        /// How many workers the daemon aims for (`RPCD_WORKERS` or the last `scale`).
        package var desired: Int
        /// How many have reported READY.
        package var ready: Int

        /// Creates the counts.
        package init(desired: Int, ready: Int) {
            self.desired = desired
            self.ready = ready
        }
    }

    /// One bound listener.
    package struct Listener: AdminPayload {
        /// The endpoint as configured, e.g. `tcp://127.0.0.1:0`.
        package var endpoint: String
        /// `ndjson`, `length`, `http` or `admin`.
        package var role: String
        /// The bound address: `HOST:PORT`, `[V6]:PORT` or the unix socket path.
        package var address: String

        /// Creates a listener description.
        package init(endpoint: String, role: String, address: String) {
            self.endpoint = endpoint
            self.role = role
            self.address = address
        }
    }

    /// The rpcd release, e.g. `0.1.0`.
    package var version: String
    /// The master's pid.
    package var pid: Int32
    /// `foreground`, `daemon` or `systemd`.
    package var mode: String
    /// Seconds since the master started.
    package var uptimeSeconds: Double
    /// The serving worker generation (1 at start, one more per successful reload).
    package var generation: Int
    /// Worker counts.
    package var workers: Workers
    /// Every listener with its bound address.
    package var listeners: [Listener]
    /// Requests served since start, all workers together.
    package var requests: Int
    /// Error responses sent since start.
    package var errors: Int
    /// Whether rpcd is out of rotation (`drain`, or a stop's grace); `false` when a daemon omits it.
    package var draining: Bool

    /// Creates a status.
    package init(
        version: String,
        pid: Int32,
        mode: String,
        uptimeSeconds: Double,
        generation: Int,
        workers: Workers,
        listeners: [Listener],
        requests: Int,
        errors: Int,
        draining: Bool = false
    ) {
        self.version = version
        self.pid = pid
        self.mode = mode
        self.uptimeSeconds = uptimeSeconds
        self.generation = generation
        self.workers = workers
        self.listeners = listeners
        self.requests = requests
        self.errors = errors
        self.draining = draining
    }

    /// Decodes a status; `draining` may be missing (a daemon from before DESIGN §12).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.version = try container.decode(String.self, forKey: .version)
        self.pid = try container.decode(Int32.self, forKey: .pid)
        self.mode = try container.decode(String.self, forKey: .mode)
        self.uptimeSeconds = try container.decode(Double.self, forKey: .uptimeSeconds)
        self.generation = try container.decode(Int.self, forKey: .generation)
        self.workers = try container.decode(Workers.self, forKey: .workers)
        self.listeners = try container.decode([Listener].self, forKey: .listeners)
        self.requests = try container.decode(Int.self, forKey: .requests)
        self.errors = try container.decode(Int.self, forKey: .errors)
        self.draining = try container.decodeIfPresent(Bool.self, forKey: .draining) ?? false
    }

    private enum CodingKeys: String, CodingKey {
        case version
        case pid
        case mode
        case uptimeSeconds = "uptime_seconds"
        case generation
        case workers
        case listeners
        case requests
        case errors
        case draining
    }
}
