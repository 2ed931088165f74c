extension WorkerTable {
    /// Signal numbers the table asks for (Linux values), kept here so the table needs no libc.
    package enum Signal {
        /// SIGTERM: drain and exit.
        package static let terminate: Int32 = 15
        /// SIGABRT: sent first to a worker that stopped sending heartbeats.
        package static let abort: Int32 = 6
        /// SIGKILL.
        package static let kill: Int32 = 9
    }

    /// A side effect the caller must perform.
    package enum Action: Sendable, Equatable {
        /// Start a worker process for `slot` of `generation`, then report `spawned` or `spawnFailed`.
        case spawn(slot: Int, generation: Int)
        /// Send `signal` to `pid`.
        case signal(pid: Int32, signal: Int32)
        /// Every worker of a reload's new generation is ready and the old one is draining.
        case reloadSucceeded(generation: Int)
        /// A reload's new generation did not become ready; it is being removed, the old one serves on.
        case reloadFailed(generation: Int, reason: String)
        /// Tell every worker the service is out of rotation (`true`) or back in (`false`).
        case announceDraining(Bool)
        /// A stop began and every worker has exited.
        case allStopped
    }
}
