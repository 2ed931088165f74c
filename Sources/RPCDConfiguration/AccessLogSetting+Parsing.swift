internal import RPCDLogging

/// `RPCD_ACCESS_LOG` values are configuration syntax: a relative file path resolves like every other path.
extension AccessLogSetting {
    /// Parses `off`, `on` or `file:PATH` (words in any case); a relative PATH is resolved against
    /// `currentDirectory`, and its directory must exist (so that `--check-config` catches a typo).
    static func parse(
        _ text: String,
        currentDirectory: String,
        host: ConfigurationLoader.Host
    ) throws(ValueProblem) -> AccessLogSetting {
        if text.lowercased().hasPrefix("file:") {
            let path = String(text.dropFirst("file:".count))
            guard !path.isEmpty, !path.utf8.contains(0) else {
                throw ValueProblem("expected off, on or file:PATH with a path")
            }
            let absolute = ConfigValueSyntax.absolutePath(path, currentDirectory: currentDirectory)
            let directory = absolute.split(separator: "/").dropLast().reduce(into: "") { $0 += "/" + $1 }
            guard host.isDirectory(directory.isEmpty ? "/" : directory) else {
                throw ValueProblem("the access log's directory \(directory) does not exist")
            }
            return .file(path: absolute)
        }
        switch text.lowercased() {
        case "off", "0", "false", "no": return .off
        case "on", "1", "true", "yes": return .on
        default: throw ValueProblem("expected off, on or file:PATH")
        }
    }
}
