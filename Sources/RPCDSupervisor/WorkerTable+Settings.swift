extension WorkerTable {
    /// Timeouts and limits the table applies.
    package struct Settings: Sendable, Equatable {
        package var workerTimeout: Duration
        package var shutdownTimeout: Duration
        package var reloadTimeout: Duration
        /// Between SIGABRT to a hung worker and SIGKILL.
        package var killGrace: Duration
        /// `RPCD_MAX_REQUESTS`; 0 is off.
        package var maxRequests: Int
        package var restartPolicy: RestartPolicy

        package init(
            workerTimeout: Duration = .seconds(30),
            shutdownTimeout: Duration = .seconds(30),
            reloadTimeout: Duration = .seconds(30),
            killGrace: Duration = .seconds(2),
            maxRequests: Int = 0,
            restartPolicy: RestartPolicy = RestartPolicy()
        ) {
            self.workerTimeout = workerTimeout
            self.shutdownTimeout = shutdownTimeout
            self.reloadTimeout = reloadTimeout
            self.killGrace = killGrace
            self.maxRequests = maxRequests
            self.restartPolicy = restartPolicy
        }
    }
}
