internal import Logging
internal import RPCDSystem
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// Where one process's log lines go: the box every `LineLogHandler` shares, holding the open
/// destination, the format and the level, so a reload can change them and `USR1` can reopen
/// the file without re-bootstrapping swift-log.
///
/// Writes are unbuffered `write(2)` calls, one per record (never stdout, never `print`).
package final class LogSink: Sendable {
    private enum Destination {
        /// A descriptor; `path` is set when the sink opened it (a log file) and must close it.
        case descriptor(Int32, path: String?)
        case syslog
        case journald
    }

    private struct State {
        var target: LogTarget
        var format: LogFormat
        var destination: Destination
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
        let destination = try Self.open(target, detached: detached)
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
            destination: .descriptor(STDERR_FILENO, path: nil),
            level: level,
            worker: worker,
            detached: false
        )
    }

    private init(
        target: LogTarget,
        format: LogFormat,
        destination: Destination,
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
            Self.close(state.destination)
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
        let destination = try Self.open(target, detached: self.detached)
        let old = self.state.withLock { state in
            defer { state = State(target: target, format: format, destination: destination) }
            return state.destination
        }
        Self.close(old)
    }

    /// Reopens a log file at its path (after logrotate moved it away, on `USR1`); other
    /// targets have nothing to reopen.
    /// - Throws: `LogOutputError` when the file cannot be opened; the old descriptor stays in use.
    package func reopen() throws(LogOutputError) {
        guard case .file(let path) = self.target else {
            return
        }
        let descriptor = try Self.openFile(path)
        let old = self.state.withLock { state in
            defer { state.destination = .descriptor(descriptor, path: path) }
            return state.destination
        }
        Self.close(old)
    }

    /// Writes one record.
    func write(_ record: LogRecord) {
        self.state.withLock { state in
            switch state.destination {
            case .descriptor(let descriptor, _):
                FileDescriptorWriter.writeAll(descriptor, record.line(state.format))
            case .syslog:
                Self.sendToSyslog(record)
            case .journald:
                do {
                    try SystemdJournal.send(record.journalFields)
                } catch {
                    // journald went away (stopped, restarting): the record still goes somewhere.
                    FileDescriptorWriter.writeAll(STDERR_FILENO, record.line(state.format))
                }
            }
        }
    }

    /// Where records go now, after `auto` was resolved: `journald`, `stderr`, `syslog` or `file`.
    package var destinationName: String {
        self.state.withLock { state in
            switch state.destination {
            case .descriptor(_, let path): return path == nil ? "stderr" : "file"
            case .syslog: return "syslog"
            case .journald: return "journald"
            }
        }
    }

    // MARK: Destinations

    private static func open(_ target: LogTarget, detached: Bool) throws(LogOutputError) -> Destination {
        switch target {
        case .auto where detached:
            // No terminal and stderr on /dev/null: the journal when it runs, else syslog.
            if SystemdJournal.isAvailable {
                return .journald
            }
            Self.openSyslog()
            return .syslog
        case .auto:
            // Under a unit stderr is a stream to the journal: native entries keep the fields.
            return SystemdJournal.standardErrorIsJournal ? .journald : .descriptor(STDERR_FILENO, path: nil)
        case .stderr:
            return .descriptor(STDERR_FILENO, path: nil)
        case .journald:
            return .journald
        case .syslog:
            Self.openSyslog()
            return .syslog
        case .file(let path):
            return .descriptor(try Self.openFile(path), path: path)
        }
    }

    private static func openFile(_ path: String) throws(LogOutputError) -> Int32 {
        do {
            // O_APPEND: every write lands at the end, even with other writers (other processes,
            // logrotate's copytruncate). 0640: readable by the group (adm), not the world.
            return try syscall("open") { Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
        } catch {
            throw LogOutputError(
                code: .cannotOpenFile,
                message: "cannot open log file \(path): \(error.errno)",
                cause: error
            )
        }
    }

    private static func close(_ destination: Destination) {
        if case .descriptor(let descriptor, .some) = destination {
            // Not retried: on Linux an interrupted close has released the descriptor anyway,
            // and a failed close of a log file has nothing left to report to.
            _ = Glibc.close(descriptor)
        }
    }

    // MARK: syslog(3)

    private static let syslogOpened = Atomic<Bool>(false)

    private static func openSyslog() {
        guard !self.syslogOpened.exchange(true, ordering: .relaxed) else {
            return
        }
        // openlog keeps the ident pointer, so it must live as long as the process: allocated
        // once and never freed. No LOG_NDELAY: connect on the first message.
        openlog(strdup("rpcd"), LOG_PID, LOG_DAEMON)
    }

    private static func sendToSyslog(_ record: LogRecord) {
        let priority = record.syslogPriority
        // syslog(3) is variadic and not callable from Swift; vsyslog with "%s" is, and keeps a
        // `%` in the message from being read as a format.
        record.syslogMessage.withCString { message in
            withVaList([message]) { arguments in
                vsyslog(priority, "%s", arguments)
            }
        }
    }
}
