package import Logging
internal import Synchronization

/// The process's log output: builds the handler factory that the executable bootstraps
/// swift-log with, and keeps the shared `LogSink` for live changes and `USR1` reopens.
package enum LogOutput {
    private static let current = Mutex<LogSink?>(nil)

    /// Creates the process's sink and returns a factory for `LoggingSystem.bootstrap`.
    ///
    /// A log file that cannot be opened does not stop the process here: the sink falls back to
    /// stderr and says so in a warning record. (Call `LogSink.init` directly to treat it as an error.)
    /// - Parameters:
    ///   - target: where records go.
    ///   - format: text or JSON lines.
    ///   - control: the shared level, changed live by reloads and `rpcd-admin log-level`.
    ///   - worker: the worker number in a worker process, `nil` in the master.
    ///   - detached: classic daemon mode, where `auto` means journald or syslog.
    package static func makeFactory(
        target: LogTarget,
        format: LogFormat,
        level control: LogLevelControl,
        worker: Int?,
        detached: Bool = false
    ) -> @Sendable (String) -> any LogHandler {
        let sink: LogSink
        do {
            sink = try LogSink(target: target, format: format, level: control, worker: worker, detached: detached)
        } catch {
            sink = LogSink.standardError(format: format, level: control, worker: worker)
            sink.makeHandler(label: "rpcd").log(
                event: LogEvent(
                    level: .error,
                    message: "cannot open the log file; logging to stderr",
                    metadata: ["error": "\(error.message)"],
                    source: "RPCDLogging",
                    file: #fileID,
                    function: #function,
                    line: #line
                )
            )
        }
        self.current.withLock { $0 = sink }
        return { label in sink.makeHandler(label: label) }
    }

    /// The sink of the last `makeFactory` call, or `nil` before logging is set up.
    package static var sink: LogSink? {
        self.current.withLock { $0 }
    }

    /// Reopens the log file and the access log file (`USR1`, `rpcd-admin reopen-logs`); nothing to do
    /// for other targets.
    /// - Throws: `LogOutputError` when a file cannot be opened; logging continues to the old one.
    package static func reopen() throws(LogOutputError) {
        // Both are tried: a log file that cannot be reopened must not keep the access log on the old one.
        var accessFailure: LogOutputError?
        do { try AccessLog.reopenCurrent() } catch { accessFailure = error }
        try self.sink?.reopen()
        if let accessFailure { throw accessFailure }
    }

    /// Applies a reloaded `RPCD_LOG_TARGET` and `RPCD_LOG_FORMAT` to the running process.
    /// - Throws: `LogOutputError` when a new log file cannot be opened; the old output stays.
    package static func reconfigure(target: LogTarget, format: LogFormat) throws(LogOutputError) {
        try self.sink?.reconfigure(target: target, format: format)
    }
}
