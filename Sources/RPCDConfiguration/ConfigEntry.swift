/// One key of the effective configuration, as `--check-config` and the admin `config` method show it:
/// a setting of DESIGN §3 or one key of a backend (`RPCD_BACKEND_<NAME>_<KEY>`, DESIGN §10.2).
package struct ConfigEntry: Sendable, Hashable {
    /// The setting.
    package var key: Key
    /// The effective value in canonical text form (empty for "none"); valid input for the same key.
    package var value: String
    /// The layer that supplied the value.
    package var source: ConfigSource
    /// When a change to this key takes effect.
    package var reload: ReloadClass { self.key.reload }

    /// The value to show an operator: `value`, or `<redacted>` for a key that may hold a secret.
    package var shownValue: String { self.key.isSecret ? Self.redacted : self.value }

    /// What a secret's value is shown as.
    package static let redacted = "<redacted>"

    /// The environment name of the key, e.g. `RPCD_WORKERS` or `RPCD_BACKEND_GREET_INSTANCES`.
    package var name: String { self.key.rawValue }

    /// Creates an entry for a setting of DESIGN §3.
    package init(key: ConfigurationKey, value: String, source: ConfigSource) {
        self.init(key: .setting(key), value: value, source: source)
    }

    /// Creates an entry.
    package init(key: Key, value: String, source: ConfigSource) {
        self.key = key
        self.value = value
        self.source = source
    }
}
