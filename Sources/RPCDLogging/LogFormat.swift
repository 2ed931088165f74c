/// The shape of a log line on the stderr and file targets (`RPCD_LOG_FORMAT`).
package enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// `2026-11-21T21:57:13.123Z info rpcd: message key=value`.
    case text
    /// One JSON object per line: `ts`, `level`, `msg`, `pid`, `worker`, `logger`, then metadata.
    case json
}
