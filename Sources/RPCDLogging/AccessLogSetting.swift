/// Whether and where calls are logged (`RPCD_ACCESS_LOG`).
package enum AccessLogSetting: Sendable, Hashable, CustomStringConvertible {
    /// No access log: nothing is built or measured for it.
    case off
    /// One record per call to the log target (`RPCD_LOG_TARGET`), one write per record.
    case on
    /// Lines appended to a file of their own, buffered, reopened on `USR1` and `rpcd-admin reopen-logs`.
    case file(path: String)

    /// The canonical text: `off`, `on` or `file:PATH`.
    package var description: String {
        switch self {
        case .off: return "off"
        case .on: return "on"
        case .file(let path): return "file:\(path)"
        }
    }
}
