/// A loaded configuration: the typed values, every key's effective value and source, and the
/// warnings to show (unknown keys, repeated keys).
package struct LoadedConfiguration: Sendable {
    /// The typed, validated configuration.
    package var configuration: DaemonConfiguration
    /// One entry per key, in the order of DESIGN §3's table (`RPCD_BACKENDS_DIR` last), then
    /// every backend's keys (by name, each in `BackendKey.fixed` order, then its `ENV_*` keys).
    package var entries: [ConfigEntry]
    /// Problems that do not stop rpcd, e.g. `unknown setting RPCD_WORKRES in the environment is ignored`.
    package var warnings: [String]

    /// The inputs of the load, kept so a reload resolves everything the same way.
    let inputs: ConfigurationLoader.Inputs

    /// The entry of one key.
    package func entry(_ key: ConfigurationKey) -> ConfigEntry {
        // `entries` always starts with every key, in `ConfigurationKey.allCases` order.
        self.entries[ConfigurationKey.allCases.firstIndex(of: key)!]
    }

    /// Loads the configuration again from the same flags, environment and working directory:
    /// the config file is re-read at the absolute path resolved the first time, so a relative
    /// `--config` still works after `chdir /`.
    /// - Throws: `ConfigurationError` for a bad value or file; the caller keeps the old configuration.
    package func reloaded() throws(ConfigurationError) -> LoadedConfiguration {
        try ConfigurationLoader.load(self.inputs)
    }

    /// The entries whose value differs from `previous`, in order, then those `previous` had and
    /// this one lacks (a removed backend's, as they were); their `reload` class says whether the
    /// change applies live, with a new worker generation, or after a restart. Entries match by name,
    /// so an added or removed backend counts as changed.
    package func changedEntries(from previous: LoadedConfiguration) -> [ConfigEntry] {
        let before = Dictionary(previous.entries.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let names = Set(self.entries.map(\.name))
        return self.entries.filter { before[$0.name] != $0.value }
            + previous.entries.filter { !names.contains($0.name) }
    }
}
