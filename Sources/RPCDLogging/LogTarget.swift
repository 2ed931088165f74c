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
