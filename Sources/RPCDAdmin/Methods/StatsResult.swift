package import JSONRPC

/// The `stats` result: `{"methods": {NAME: {"calls", "errors", "p50_ms", "p90_ms", "p99_ms"}}}`.
package struct StatsResult: AdminPayload {
    /// One method's counters and latency percentiles.
    package struct MethodStats: AdminPayload {
        /// Calls answered.
        package var calls: Int
        /// Calls answered with an error.
        package var errors: Int
        /// Median latency in milliseconds.
        package var p50Ms: Double
        /// 90th percentile latency in milliseconds.
        package var p90Ms: Double
        /// 99th percentile latency in milliseconds.
        package var p99Ms: Double

        /// Creates a method's statistics.
        package init(calls: Int, errors: Int, p50Ms: Double, p90Ms: Double, p99Ms: Double) {
            self.calls = calls
            self.errors = errors
            self.p50Ms = p50Ms
            self.p90Ms = p90Ms
            self.p99Ms = p99Ms
        }

        private enum CodingKeys: String, CodingKey {
            case calls
            case errors
            case p50Ms = "p50_ms"
            case p90Ms = "p90_ms"
            case p99Ms = "p99_ms"
        }
    }

    /// Statistics by method name.
    package var methods: [String: MethodStats]

    /// Creates a result.
    package init(methods: [String: MethodStats]) {
        self.methods = methods
    }

    /// Decodes `{"methods": {...}}`.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.methods = try container.decode([String: MethodStats].self, forKey: .methods)
    }

    /// Encodes `{"methods": {...}}` with the method names in sorted order, so that the same
    /// statistics always give the same JSON text.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var methods = container.nestedContainer(keyedBy: NameKey.self, forKey: .methods)
        for name in self.methods.keys.sorted() {
            try methods.encode(self.methods[name], forKey: NameKey(name))
        }
    }

    private enum CodingKeys: String, CodingKey {
        case methods
    }
}

extension StatsResult {
    /// The result for a set of per-method statistics (a process's own, or the master's merge).
    package init(_ snapshots: [String: MethodStatisticsSnapshot]) {
        self.init(
            methods: snapshots.mapValues { snapshot in
                MethodStats(
                    calls: snapshot.calls,
                    errors: snapshot.errors,
                    p50Ms: snapshot.latency.percentile(0.50),
                    p90Ms: snapshot.latency.percentile(0.90),
                    p99Ms: snapshot.latency.percentile(0.99)
                )
            }
        )
    }
}
