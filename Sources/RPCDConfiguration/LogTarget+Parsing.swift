package import RPCDLogging

/// `RPCD_LOG_TARGET` values are configuration syntax: relative paths resolve like every other path.
extension LogTarget {
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
}
