/// Which layer supplied a setting's value: command-line flag > environment > config file > default.
package enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    /// No layer set the key; the built-in default applies.
    case `default`
    /// The config file at this absolute path.
    case file(String)
    /// The process environment.
    case environment
    /// A command-line flag (`--config`, `--daemon`, `--pidfile`).
    case flag

    /// The source as `--check-config` prints it: `default`, `file PATH`, `env` or `flag`.
    package var description: String {
        switch self {
        case .default:
            return "default"
        case .file(let path):
            return "file \(path)"
        case .environment:
            return "env"
        case .flag:
            return "flag"
        }
    }
}
