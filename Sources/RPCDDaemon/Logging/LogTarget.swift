/// Where log records go (`RPCD_LOG_TARGET`).
package enum LogTarget: Sendable, Hashable, CustomStringConvertible {
    /// Chosen at startup (DESIGN §6): journald when stderr is the journal, else stderr; in
    /// classic daemon mode journald when it runs, else syslog.
    case auto
    /// The systemd journal, natively (`sd_journal_sendv`), with structured fields.
    case journald
    /// Standard error (fd 2), unbuffered.
    case stderr
    /// `syslog(3)`, facility `daemon`, ident `rpcd`.
    case syslog
    /// A file at an absolute path, appended to and reopened on `USR1`.
    case file(path: String)

    /// Parses `auto`, `journald`, `stderr`, `syslog` or `file:PATH` (names in any case); a
    /// relative PATH is resolved against `currentDirectory`.
    /// - Returns: `nil` for anything else, including `file:` without a path.
    package static func parse(_ text: String, currentDirectory: String) -> LogTarget? {
        if text.lowercased().hasPrefix("file:") {
            let path = String(text.dropFirst("file:".count))
            guard !path.isEmpty, !path.utf8.contains(0) else {
                return nil
            }
            return .file(path: ConfigValueSyntax.absolutePath(path, currentDirectory: currentDirectory))
        }
        switch text.lowercased() {
        case "auto":
            return .auto
        case "journald":
            return .journald
        case "stderr":
            return .stderr
        case "syslog":
            return .syslog
        default:
            return nil
        }
    }

    /// The canonical text: `auto`, `journald`, `stderr`, `syslog` or `file:PATH`.
    package var description: String {
        switch self {
        case .auto:
            return "auto"
        case .journald:
            return "journald"
        case .stderr:
            return "stderr"
        case .syslog:
            return "syslog"
        case .file(let path):
            return "file:\(path)"
        }
    }
}
