/// The methods the admin socket serves (DESIGN §7), by their wire names.
package enum AdminMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Version, pid, mode, uptime, generation, worker counts, listeners and totals: ``StatusResult``.
    case status
    /// One ``WorkerInfo`` per worker (`[]` in single-process mode).
    case workers
    /// Re-reads the configuration and rolls a new generation: ``ReloadResult``.
    case reload
    /// Stops the daemon: ``ShutdownParams`` → ``ShutdownResult``.
    case shutdown
    /// Takes rpcd out of rotation or back in (DESIGN §12): ``DrainParams`` → ``DrainResult``.
    case drain
    /// Sets the worker count: ``ScaleParams`` → ``ScaleResult``.
    case scale
    /// Shows or sets the log level: ``LogLevelParams`` → ``LogLevelResult``.
    case logLevel = "log_level"
    /// Per-method call statistics: ``StatsResult``.
    case stats
    /// One ``BackendInfo`` per backend pool (`[]` without backends).
    case backends
    /// The effective configuration: ``ConfigResult``.
    case config
    /// Reopens file logs (like `SIGUSR1`).
    case reopenLogs = "reopen_logs"

    /// The wire name, e.g. `log_level`.
    package var description: String { self.rawValue }
}
