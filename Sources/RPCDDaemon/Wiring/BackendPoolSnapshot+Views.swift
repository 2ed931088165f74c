internal import RPCDAdmin
internal import RPCDBackends
internal import RPCDTransport

/// A backend pool's figures as the admin `backends` method and `/metrics` show them.
extension BackendPoolSnapshot {
    var adminInfo: BackendInfo {
        BackendInfo(
            name: self.name,
            methods: self.methods,
            instances: .init(desired: self.desiredInstances, ready: self.readyInstances),
            calls: self.statistics.calls,
            errors: self.statistics.errors,
            inFlight: self.inFlight,
            queued: self.queued,
            restarts: self.restarts,
            p50Ms: self.statistics.latency.percentile(0.50),
            p99Ms: self.statistics.latency.percentile(0.99),
            processes: self.processes.map {
                .init(pid: $0.pid, worker: $0.worker ?? 0, state: $0.state, calls: $0.calls, rssBytes: $0.rssBytes)
            }
        )
    }

    var metrics: PrometheusExposition.Backend {
        .init(
            name: self.name,
            calls: self.statistics.calls,
            errors: self.statistics.errors,
            restarts: self.restarts,
            queued: self.queued
        )
    }
}
