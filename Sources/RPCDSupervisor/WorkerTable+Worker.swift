extension WorkerTable {
    /// Where a worker is in its life.
    package enum WorkerState: String, Sendable {
        /// Spawned, not yet READY: not capacity.
        case starting
        /// Serving.
        case ready
        /// Told to finish its in-flight calls and exit (reload, scale down, recycling, stop).
        case draining
    }

    /// One worker process.
    package struct Worker: Sendable, Equatable {
        package var slot: Int
        package var pid: Int32
        package var generation: Int
        package var state: WorkerState
        package var startedAt: ContinuousClock.Instant
        package var readyAt: ContinuousClock.Instant?
        package var lastHeard: ContinuousClock.Instant
        package var stats = WorkerStats()
        /// When SIGABRT was sent because it stopped sending heartbeats.
        package var abortedAt: ContinuousClock.Instant?
        /// When it was told to drain.
        package var drainingSince: ContinuousClock.Instant?
        /// Whether SIGKILL has been sent.
        package var killed = false
        /// Recycle after this many requests (`RPCD_MAX_REQUESTS` with jitter); nil: never.
        package var recycleAfter: Int?
        /// A replacement is starting; this worker drains once it is ready.
        package var beingReplaced = false
    }
}
