extension ConfigEntry {
    /// What an entry is the value of: a daemon setting, or one key of one backend.
    package enum Key: Sendable, Hashable {
        /// A setting of DESIGN §3 (`RPCD_WORKERS`).
        case setting(ConfigurationKey)
        /// A key of the backend `name` (lower case), as `RPCD_BACKEND_<NAME>_<KEY>` names it.
        case backend(name: String, key: BackendKey)

        /// The environment name: `RPCD_WORKERS`, `RPCD_BACKEND_GREET_START_TIMEOUT`.
        package var rawValue: String {
            switch self {
            case .setting(let key):
                return key.rawValue
            case .backend(let name, let key):
                return BackendKey.prefix + name.uppercased() + "_" + key.suffix
            }
        }

        /// When a change takes effect: backends are restarted with a new worker generation.
        package var reload: ReloadClass {
            switch self {
            case .setting(let key):
                return key.reload
            case .backend:
                return .rolling
            }
        }

        /// Whether the value may be a secret, shown redacted: a backend's `ENV_<VAR>` whose `VAR`
        /// names a password, secret, token, key or credential (`ENV_DB_PASSWORD`, `ENV_API_KEY`).
        /// No daemon setting holds one (`RPCD_AUTH_TOKEN_FILE` is a path).
        package var isSecret: Bool {
            guard case .backend(_, .environment(let variable)) = self else {
                return false
            }
            let upper = variable.uppercased()
            return ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH"].contains {
                upper.contains($0)
            }
        }

        /// The daemon setting, or nil for a backend key.
        package var setting: ConfigurationKey? {
            if case .setting(let key) = self { key } else { nil }
        }
    }
}
