/// One key of the effective configuration, as `--check-config` and the admin `config` method show it.
package struct ConfigEntry: Sendable, Hashable {
    /// The setting.
    package var key: ConfigurationKey
    /// The effective value in canonical text form (empty for "none"); valid input for the same key.
    package var value: String
    /// The layer that supplied the value.
    package var source: ConfigSource
    /// When a change to this key takes effect.
    package var reload: ReloadClass { self.key.reload }

    /// The environment name of the key, e.g. `RPCD_WORKERS`.
    package var name: String { self.key.rawValue }

    /// Creates an entry.
    package init(key: ConfigurationKey, value: String, source: ConfigSource) {
        self.key = key
        self.value = value
        self.source = source
    }
}
