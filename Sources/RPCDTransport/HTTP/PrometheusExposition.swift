package import JSONRPC

/// `GET /metrics` in the Prometheus text exposition format (version 0.0.4).
///
/// In master mode the master renders it from every worker's heartbeats (those gone included)
/// and hands it to each worker once a second, so whichever worker a scrape reaches answers for
/// the whole service; in single-process mode the process renders its own.
package struct PrometheusExposition {
    /// One backend pool's service-wide figures (DESIGN §10.2).
    package struct Backend: Sendable, Equatable {
        /// The backend's name, the `backend` label.
        package var name: String
        /// Calls routed to it.
        package var calls: Int
        /// Calls it answered with an error, or that failed on its way (-32006, -32004, -32002).
        package var errors: Int
        /// Instances started again after a crash or a kill.
        package var restarts: Int
        /// Calls waiting for a free slot now.
        package var queued: Int

        /// Creates a backend's figures.
        package init(name: String, calls: Int, errors: Int, restarts: Int, queued: Int) {
            (self.name, self.calls, self.errors, self.restarts, self.queued) = (name, calls, errors, restarts, queued)
        }
    }

    /// Calls answered, every worker included.
    package var requests: Int
    /// Calls answered with an error.
    package var errors: Int
    /// Workers serving now.
    package var workersReady: Int
    /// Workers the master keeps.
    package var workersDesired: Int
    /// The worker generation (1 + reloads).
    package var generation: Int
    /// Seconds since the service started.
    package var uptimeSeconds: Double
    /// Per-method calls, errors and latency.
    package var methods: [String: MethodStatisticsSnapshot]
    /// Per-backend figures, sorted by name; no backend families without backends.
    package var backends: [Backend]

    /// The figures to expose.
    package init(
        requests: Int,
        errors: Int,
        workersReady: Int,
        workersDesired: Int,
        generation: Int,
        uptimeSeconds: Double,
        methods: [String: MethodStatisticsSnapshot],
        backends: [Backend] = []
    ) {
        self.requests = requests
        self.errors = errors
        self.workersReady = workersReady
        self.workersDesired = workersDesired
        self.generation = generation
        self.uptimeSeconds = uptimeSeconds
        self.methods = methods
        self.backends = backends
    }

    /// The exposition text.
    package var text: String {
        var text = ""
        func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func single(_ name: String, _ type: String, _ help: String, _ value: Int) {
            family(name, type, help)
            text += "\(name) \(value)\n"
        }
        single("rpcd_requests_total", "counter", "JSON-RPC calls handled, errors included.", self.requests)
        single("rpcd_errors_total", "counter", "JSON-RPC calls answered with an error.", self.errors)
        single(
            "rpcd_workers_ready",
            "gauge",
            "Worker processes serving (the process itself without workers).",
            self.workersReady
        )
        single("rpcd_workers_desired", "gauge", "Worker processes configured.", self.workersDesired)
        single("rpcd_generation", "gauge", "Configuration generation; each reload adds one.", self.generation)
        single("rpcd_uptime_seconds", "gauge", "Seconds since rpcd started.", Int(self.uptimeSeconds))
        let methods = self.methods.sorted { $0.key < $1.key }
        family("rpcd_method_calls_total", "counter", "Calls per method.")
        for (name, snapshot) in methods {
            text += "rpcd_method_calls_total{method=\"\(Self.escape(name))\"} \(snapshot.calls)\n"
        }
        family("rpcd_method_errors_total", "counter", "Calls per method answered with an error.")
        for (name, snapshot) in methods {
            text += "rpcd_method_errors_total{method=\"\(Self.escape(name))\"} \(snapshot.errors)\n"
        }
        family("rpcd_method_latency_milliseconds", "summary", "Call latency per method.")
        for (name, snapshot) in methods {
            let label = Self.escape(name)
            for quantile in [0.5, 0.9, 0.99] {
                text += "rpcd_method_latency_milliseconds{method=\"\(label)\",quantile=\"\(quantile)\"} "
                text += "\(snapshot.latency.percentile(quantile))\n"
            }
            text += "rpcd_method_latency_milliseconds_count{method=\"\(label)\"} \(snapshot.calls)\n"
        }
        guard !self.backends.isEmpty else { return text }
        let backendFamilies: [(String, String, String, KeyPath<Backend, Int>)] = [
            ("rpcd_backend_calls_total", "counter", "Calls routed to each backend.", \.calls),
            ("rpcd_backend_errors_total", "counter", "Backend calls answered with an error.", \.errors),
            (
                "rpcd_backend_restarts_total", "counter", "Backend instances restarted after a crash or kill.",
                \.restarts
            ),
            ("rpcd_backend_queued", "gauge", "Backend calls waiting for a free instance.", \.queued),
        ]
        for (name, type, help, figure) in backendFamilies {
            family(name, type, help)
            for backend in self.backends {
                text += "\(name){backend=\"\(Self.escape(backend.name))\"} \(backend[keyPath: figure])\n"
            }
        }
        return text
    }

    /// A label value: backslash, double quote and newline escaped, as the format requires.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
