/// A loaded configuration: the typed values, every key's effective value and source, and the
/// warnings to show (unknown keys, repeated keys).
package struct LoadedConfiguration: Sendable {
    /// The typed, validated configuration.
    package var configuration: DaemonConfiguration
    /// One entry per key, in the order of DESIGN §3's table.
    package var entries: [ConfigEntry]
    /// Problems that do not stop rpcd, e.g. `unknown setting RPCD_WORKRES in the environment is ignored`.
    package var warnings: [String]

    /// The inputs of the load, kept so a reload resolves everything the same way.
    let inputs: ConfigurationLoader.Inputs

    /// The entry of one key.
    package func entry(_ key: ConfigurationKey) -> ConfigEntry {
        // `entries` always holds every key, in `ConfigurationKey.allCases` order.
        self.entries[ConfigurationKey.allCases.firstIndex(of: key)!]
    }

    /// Loads the configuration again from the same flags, environment and working directory:
    /// the config file is re-read at the absolute path resolved the first time, so a relative
    /// `--config` still works after `chdir /`.
    /// - Throws: `ConfigurationError` for a bad value or file; the caller keeps the old configuration.
    package func reloaded() throws(ConfigurationError) -> LoadedConfiguration {
        try ConfigurationLoader.load(self.inputs)
    }

    /// The entries whose value differs from `previous`, in table order; their `reload` class
    /// says whether the change applies live, with a new worker generation, or after a restart.
    package func changedEntries(from previous: LoadedConfiguration) -> [ConfigEntry] {
        zip(self.entries, previous.entries).filter { $0.value != $1.value }.map(\.0)
    }
}
