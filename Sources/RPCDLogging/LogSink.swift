internal import Logging
internal import RPCDSystem
internal import Synchronization

/// Where one process's log lines go: the box every `LineLogHandler` shares, holding the open
/// destination, the format and the level, so a reload can change them and `USR1` can reopen
/// the file without re-bootstrapping swift-log.
///
/// Writes are unbuffered `write(2)` calls, one per record (never stdout, never `print`).
package final class LogSink: Sendable {
    private struct State {
        var target: LogTarget
        var format: LogFormat
        var destination: LogDestination
    }

    // Writers hold the lock for the duration of their write(2): a reopen must not close the
    // descriptor under a writer (it could be reused by another open in between). The writes
    // are serialised anyway, by the kernel for O_APPEND files and by the line discipline.
    private let state: Mutex<State>

    /// The level every handler of this sink reads.
    package let levelControl: LogLevelControl
    /// The worker number in a worker process, `nil` in the master.
    package let worker: Int?
    /// This process's id, written in JSON lines.
    let pid: Int32
    /// Whether the process has no terminal and no stderr worth writing to (classic daemon
    /// mode), which changes what `auto` picks.
    let detached: Bool

    /// Opens a destination for `target`.
    /// - Parameters:
    ///   - target: where records go; `auto` picks journald when stderr is the journal
    ///     (`JOURNAL_STREAM`), else stderr; when `detached`, journald if it runs, else syslog.
    ///   - format: text or JSON lines (not used by `syslog` and `journald`, which have their own framing).
    ///   - level: the shared level control.
    ///   - worker: the worker number when in a worker process.
    ///   - detached: classic daemon mode: stderr is `/dev/null`.
    /// - Throws: `LogOutputError` when a log file cannot be opened.
    package convenience init(
        target: LogTarget,
        format: LogFormat,
        level: LogLevelControl,
        worker: Int? = nil,
        detached: Bool = false
    ) throws(LogOutputError) {
        let destination = try LogDestination.open(target, detached: detached)
        self.init(
            target: target,
            format: format,
            destination: destination,
            level: level,
            worker: worker,
            detached: detached
        )
    }

    /// A sink on standard error, which needs nothing opened and cannot fail.
    package static func standardError(format: LogFormat, level: LogLevelControl, worker: Int? = nil) -> LogSink {
        LogSink(
            target: .stderr,
            format: format,
            destination: .standardError,
            level: level,
            worker: worker,
            detached: false
        )
    }

    private init(
        target: LogTarget,
        format: LogFormat,
        destination: LogDestination,
        level: LogLevelControl,
        worker: Int?,
        detached: Bool
    ) {
        self.state = Mutex(State(target: target, format: format, destination: destination))
        self.levelControl = level
        self.worker = worker
        self.pid = ProcessFacts.pid
        self.detached = detached
    }

    deinit {
        self.state.withLock { state in
            state.destination.close()
        }
    }

    /// The target as configured.
    package var target: LogTarget {
        self.state.withLock { $0.target }
    }

    /// The line format.
    package var format: LogFormat {
        self.state.withLock { $0.format }
    }

    /// A handler for a logger with `label`, writing here.
    package func makeHandler(label: String) -> LineLogHandler {
        LineLogHandler(label: label, sink: self)
    }

    /// Switches target and format in place (a reload changed `RPCD_LOG_TARGET` or `RPCD_LOG_FORMAT`).
    /// - Throws: `LogOutputError` when the new file cannot be opened; the old destination stays.
    package func reconfigure(target: LogTarget, format: LogFormat) throws(LogOutputError) {
        let destination = try LogDestination.open(target, detached: self.detached)
        let old = self.state.withLock { state in
            defer { state = State(target: target, format: format, destination: destination) }
            return state.destination
        }
        old.close()
    }

    /// Reopens a log file at its path (after logrotate moved it away, on `USR1`); other
    /// targets have nothing to reopen.
    /// - Throws: `LogOutputError` when the file cannot be opened; the old descriptor stays in use.
    package func reopen() throws(LogOutputError) {
        guard case .file(let path) = self.target else {
            return
        }
        let destination = try LogDestination.openFile(path)
        let old = self.state.withLock { state in
            defer { state.destination = destination }
            return state.destination
        }
        old.close()
    }

    /// Writes one record.
    func write(_ record: LogRecord) {
        self.state.withLock { state in
            state.destination.write(record, format: state.format)
        }
    }

    /// Writes one access log record (`RPCD_ACCESS_LOG=on`) to where records go, in this sink's format.
    package func write(access record: AccessLogRecord) {
        self.state.withLock { state in
            state.destination.write(access: record, worker: self.worker, format: state.format)
        }
    }

    /// Where records go now, after `auto` was resolved: `journald`, `stderr`, `syslog` or `file`.
    package var destinationName: String {
        self.state.withLock { $0.destination.name }
    }
}
