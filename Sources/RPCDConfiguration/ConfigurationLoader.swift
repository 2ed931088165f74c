/// Loads and validates rpcd's configuration (DESIGN §3).
///
/// Precedence: command-line flag > environment > config file > default. The config file is
/// `RPCD_CONFIG` (flag or environment; relative to the working directory), else
/// `/etc/rpcd/rpcd.env` if it exists. Every value is validated; the first bad one is a
/// `ConfigurationError` naming the key, the value and what was expected.
///
/// Empty values: for keys whose default is "none" (`RPCD_CONFIG`, `RPCD_ADMIN_GROUP`,
/// `RPCD_PIDFILE`, `RPCD_AUTH_TOKEN_FILE`) an empty value means none, so a later layer can
/// switch off what an earlier one set; for every other key an empty value is invalid.
package struct ConfigurationLoader {
    /// What a load reads; a reload reads the same.
    struct Inputs: Sendable {
        var flags: [String: String]
        var environment: [String: String]
        var currentDirectory: String
        var host: Host
    }

    /// Loads the configuration.
    /// - Parameters:
    ///   - flags: command-line settings keyed by environment name: `--config` → `RPCD_CONFIG`,
    ///     `--daemon` → `RPCD_DAEMON=1`, `--pidfile` → `RPCD_PIDFILE`.
    ///   - environment: the whole process environment; `RPCD_*` keys are settings, and
    ///     `RUNTIME_DIRECTORY` and `XDG_RUNTIME_DIR` shape the default paths.
    ///   - currentDirectory: resolves relative paths (config file, pidfile, sockets, log file).
    ///   - host: the machine's facts and files (the daemon's `Host.current`, or a test's answers).
    /// - Throws: `ConfigurationError` for a bad value, or a config file that is missing or malformed.
    package static func load(
        flags: [String: String],
        environment: [String: String],
        currentDirectory: String,
        host: Host
    ) throws(ConfigurationError) -> LoadedConfiguration {
        try self.load(
            Inputs(flags: flags, environment: environment, currentDirectory: currentDirectory, host: host)
        )
    }

    static func load(_ inputs: Inputs) throws(ConfigurationError) -> LoadedConfiguration {
        let settings = try LayeredSettings(
            flags: inputs.flags,
            environment: inputs.environment,
            currentDirectory: inputs.currentDirectory,
            host: inputs.host
        )
        var resolver = ConfigurationResolver(settings: settings, inputs: inputs)
        let configuration = try resolver.resolveAll()
        return LoadedConfiguration(
            configuration: configuration,
            entries: ConfigurationKey.allCases.map { resolver.entries[$0]! } + resolver.backendEntries,
            warnings: settings.warnings + resolver.warnings,
            inputs: inputs
        )
    }
}
