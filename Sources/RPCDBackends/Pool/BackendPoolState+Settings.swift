extension BackendPoolState {
    /// What the decisions depend on: `BackendSettings` without the process details, and the fixed delays.
    package struct Settings: Sendable, Equatable {
        /// `INSTANCES`.
        package var instances: Int
        /// `CONCURRENCY`.
        package var concurrency: Int
        /// `QUEUE`.
        package var queue: Int
        /// `START_TIMEOUT`: how long calls wait for a first ready instance, and an instance for its `rpc.discover`.
        package var startTimeout: Duration
        /// `STOP_TIMEOUT`: from closing stdin to SIGTERM.
        package var stopTimeout: Duration
        /// `MAX_CALLS` (0 = off).
        package var maxCalls: Int
        /// `MAX_RSS` in bytes (0 = off).
        package var maxRSSBytes: Int
        /// `METHODS` is absent: an instance is ready once it has answered `rpc.discover`.
        package var discovers: Bool
        /// From SIGTERM to SIGKILL, and from `$/cancelRequest` to the kill of a `CONCURRENCY=1` instance.
        package var killGrace = Duration.seconds(2)
        /// The backoff before the second restart in a row; each further one doubles it.
        package var initialRestartDelay = Duration.milliseconds(100)
        /// The longest backoff.
        package var maximumRestartDelay = Duration.seconds(10)
        /// An instance ready this long before it ended resets the backoff.
        package var stableAfter = Duration.seconds(5)

        /// Settings with the fixed delays at their defaults.
        package init(
            instances: Int,
            concurrency: Int,
            queue: Int,
            startTimeout: Duration,
            stopTimeout: Duration,
            maxCalls: Int = 0,
            maxRSSBytes: Int = 0,
            discovers: Bool
        ) {
            self.instances = max(1, instances)
            self.concurrency = max(1, concurrency)
            self.queue = max(0, queue)
            self.startTimeout = startTimeout
            self.stopTimeout = stopTimeout
            self.maxCalls = max(0, maxCalls)
            self.maxRSSBytes = max(0, maxRSSBytes)
            self.discovers = discovers
        }

        /// The delay before the restart after `failures` unplanned ends in a row (1 = at once).
        package func restartDelay(failures: Int) -> Duration {
            guard failures > 1 else { return .zero }
            let exponent = min(failures - 2, 20)
            return min(self.initialRestartDelay * (1 << exponent), self.maximumRestartDelay)
        }
    }
}
