extension LoadedConfiguration {
    /// The `--check-config` report (DESIGN §9): one line per key, `KEY=VALUE  # source`, the
    /// source being `default`, `file PATH`, `env` or `flag`.
    ///
    /// The report is itself a valid config file: values that need it are double-quoted, and
    /// "none" is an empty value; only a backend's secret-looking `ENV_<VAR>` values are shown as
    /// `<redacted>` (`ConfigEntry.Key.isSecret`). `RPCD_AUTH_TOKEN_FILE` is a path, and the token
    /// is never read here.
    package func checkConfigReport() -> String {
        var report = ""
        for entry in self.entries {
            report += "\(entry.name)=\(Self.quotedIfNeeded(entry.shownValue))  # \(entry.source)\n"
        }
        return report
    }

    /// The value as the config file syntax reads it back.
    static func quotedIfNeeded(_ value: String) -> String {
        let special: Set<Character> = [" ", "\t", "\"", "'", "\\", "#", "\n", "\r", "$", "`"]
        guard value.contains(where: { special.contains($0) }) else {
            return value
        }
        var quoted = "\""
        for character in value {
            switch character {
            case "\"":
                quoted += "\\\""
            case "\\":
                quoted += "\\\\"
            case "\n":
                quoted += "\\n"
            default:
                quoted.append(character)
            }
        }
        return quoted + "\""
    }
}
