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
        /// The slot it fills, 1...desired; a replacement takes the same slot.
        package var slot: Int
        /// Its process id.
        package var pid: Int32
        /// The reload generation it was started for.
        package var generation: Int
        /// Where it is in its life.
        package var state: WorkerState
        /// When it was spawned.
        package var startedAt: ContinuousClock.Instant
        /// When it reported READY, if it has.
        package var readyAt: ContinuousClock.Instant?
        /// Its last heartbeat (or READY, or spawn).
        package var lastHeard: ContinuousClock.Instant
        /// What its last heartbeat reported.
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
