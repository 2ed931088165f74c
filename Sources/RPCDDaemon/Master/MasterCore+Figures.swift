internal import JSONRPC
internal import RPCDBackends
internal import RPCDSupervisor
internal import RPCDTransport

/// What the master knows about the whole service: totals, per-method statistics, the status
/// line, and the metrics text it hands every worker.
extension MasterCore {
    /// Per-method statistics over every worker, those gone included.
    var mergedMethodStatistics: [String: MethodStatisticsSnapshot] {
        self.loop.preconditionInEventLoop()
        return self.statistics.mergedMethods
    }

    /// Every running worker's backend pools, merged by name (DESIGN §10.2).
    var backends: [BackendPoolSnapshot] {
        self.loop.preconditionInEventLoop()
        var reports: [(worker: Int, backends: [BackendPoolSnapshot])] = []
        for (pid, encoded) in self.statistics.backends {
            guard let worker = self.table.workers[pid] else { continue }
            reports.append((worker.slot, encoded.compactMap(BackendPoolSnapshot.init(jsonValue:))))
        }
        return BackendFleet.merge(reports)
    }

    /// Calls and errors over every worker, those gone included.
    var totals: WorkerStats {
        self.loop.preconditionInEventLoop()
        return self.statistics.totals(running: self.table.workers.values.map(\.stats))
    }

    /// Client connections open on the whole service, as the workers last reported them.
    var connections: Int {
        self.table.workers.values.reduce(0) { $0 + $1.stats.connections }
    }

    /// The one-line summary systemd shows in `systemctl status`.
    var statusLine: String {
        if self.table.stopping {
            return "stopping: \(self.table.workers.count) workers left"
        }
        if self.table.draining {
            return "draining: \(self.connections) connections"
        }
        return "serving: \(self.table.readyCount)/\(self.table.desired) workers ready, "
            + "generation \(self.table.generation), \(self.totals.requests) requests"
    }

    /// Hands every worker the service-wide `GET /metrics` text (each serves what it got last).
    func publishMetrics() {
        guard !self.controls.isEmpty else { return }
        let text = PrometheusExposition(
            requests: self.totals.requests,
            errors: self.totals.errors,
            workersReady: self.table.readyCount,
            workersDesired: self.table.desired,
            generation: self.table.generation,
            uptimeSeconds: Double((ContinuousClock.now - self.startedAt) / .seconds(1)),
            methods: self.mergedMethodStatistics,
            backends: self.backends.map(\.metrics)
        ).text
        self.broadcast(.metrics(text))
    }

    func broadcast(_ message: ControlMessage) {
        for channel in self.controls.values {
            channel.sendControl(message)
        }
    }
}
