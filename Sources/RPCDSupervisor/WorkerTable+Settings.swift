extension WorkerTable {
    /// Timeouts and limits the table applies.
    package struct Settings: Sendable, Equatable {
        /// `RPCD_WORKER_TIMEOUT`: silence after which a worker is aborted.
        package var workerTimeout: Duration
        /// `RPCD_SHUTDOWN_TIMEOUT`: how long a draining worker may take before SIGKILL.
        package var shutdownTimeout: Duration
        /// `RPCD_STOP_GRACE`: how long a graceful stop keeps serving out of rotation first.
        package var stopGrace: Duration
        /// How long a reload's new generation has to become ready before it is rolled back.
        package var reloadTimeout: Duration
        /// Between SIGABRT to a hung worker and SIGKILL.
        package var killGrace: Duration
        /// `RPCD_MAX_REQUESTS`; 0 is off.
        package var maxRequests: Int
        /// The backoff for unplanned exits.
        package var restartPolicy: RestartPolicy

        /// Creates settings.
        package init(
            workerTimeout: Duration = .seconds(30),
            shutdownTimeout: Duration = .seconds(30),
            stopGrace: Duration = .zero,
            reloadTimeout: Duration = .seconds(30),
            killGrace: Duration = .seconds(2),
            maxRequests: Int = 0,
            restartPolicy: RestartPolicy = RestartPolicy()
        ) {
            self.workerTimeout = workerTimeout
            self.shutdownTimeout = shutdownTimeout
            self.stopGrace = stopGrace
            self.reloadTimeout = reloadTimeout
            self.killGrace = killGrace
            self.maxRequests = maxRequests
            self.restartPolicy = restartPolicy
        }
    }
}
