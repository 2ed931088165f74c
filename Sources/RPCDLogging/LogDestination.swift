internal import RPCDSystem

/// Where a sink's records go once its `LogTarget` is resolved (`auto` decided, a log file
/// opened): the part of a sink that talks to the system.
enum LogDestination {
    /// Standard error (fd 2), unbuffered.
    case standardError
    /// A log file this sink opened (and must close), with its path.
    case file(descriptor: Int32, path: String)
    /// `syslog(3)`, opened once per process.
    case syslog
    /// The systemd journal, natively.
    case journald

    /// Resolves and opens `target`.
    /// - Parameter detached: classic daemon mode (stderr is `/dev/null`), which changes what `auto` picks.
    /// - Throws: `LogOutputError` when a log file cannot be opened.
    static func open(_ target: LogTarget, detached: Bool) throws(LogOutputError) -> LogDestination {
        switch target {
        case .auto where detached:
            // No terminal and stderr on /dev/null: the journal when it runs, else syslog.
            if SystemdJournal.isAvailable {
                return .journald
            }
            SystemLog.open(identifier: "rpcd")
            return .syslog
        case .auto:
            // Under a unit stderr is a stream to the journal: native entries keep the fields.
            return SystemdJournal.standardErrorIsJournal ? .journald : .standardError
        case .stderr:
            return .standardError
        case .journald:
            return .journald
        case .syslog:
            SystemLog.open(identifier: "rpcd")
            return .syslog
        case .file(let path):
            return try self.openFile(path)
        }
    }

    /// Opens the log file at `path` for appending.
    /// - Throws: `LogOutputError` with code `cannotOpenFile`, naming the path and the reason.
    static func openFile(_ path: String) throws(LogOutputError) -> LogDestination {
        do {
            // 0640: readable by the group (adm), not the world.
            return .file(descriptor: try AppendingFile.open(path, mode: 0o640), path: path)
        } catch {
            throw LogOutputError(
                code: .cannotOpenFile,
                message: "cannot open log file \(path): \(error.errno)",
                cause: error
            )
        }
    }

    /// Where records go, for `rpcd-admin status`: `journald`, `stderr`, `syslog` or `file`.
    var name: String {
        switch self {
        case .standardError: return "stderr"
        case .file: return "file"
        case .syslog: return "syslog"
        case .journald: return "journald"
        }
    }

    /// Writes one record, as a line in `format` where the destination takes lines.
    func write(_ record: LogRecord, format: LogFormat) {
        switch self {
        case .standardError:
            StandardError.write(record.line(format))
        case .file(let descriptor, _):
            FileDescriptorWriter.writeAll(descriptor, record.line(format))
        case .syslog:
            SystemLog.send(record.syslogMessage, priority: record.syslogPriority)
        case .journald:
            do {
                try SystemdJournal.send(record.journalFields)
            } catch {
                // journald went away (stopped, restarting): the record still goes somewhere.
                StandardError.write(record.line(format))
            }
        }
    }

    /// Closes what this destination opened (a log file); the others stay as they are.
    func close() {
        if case .file(let descriptor, _) = self {
            AppendingFile.close(descriptor)
        }
    }
}
