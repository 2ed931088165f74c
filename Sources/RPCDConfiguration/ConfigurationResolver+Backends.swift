extension ConfigurationResolver {
    /// `RPCD_BACKENDS_DIR` and the backends it and the `RPCD_BACKEND_*` keys declare (DESIGN §10.2).
    ///
    /// The directory defaults to `/etc/rpcd/backends.d` when it exists; an empty value means none.
    /// Records the backends' entries in `backendEntries` and their warnings in `warnings`.
    mutating func resolveBackends(
        requestTimeout: Duration,
        currentDirectory: String
    ) throws(ConfigurationError) -> (directory: String?, backends: [BackendSettings]) {
        let host = self.inputs.host
        let directory = try self.resolve(
            .backendsDir,
            default: host.fileExists(host.defaultBackendsDirectory) ? host.defaultBackendsDirectory : nil,
            { text throws(ValueProblem) in try Self.optionalPath(text, currentDirectory: currentDirectory) },
            { $0 ?? "" }
        )
        let declarations = try BackendDeclarations(
            keys: self.settings.backendKeys,
            directory: directory,
            directorySetting: self.settings.setting(.backendsDir),
            host: host
        )
        self.warnings += declarations.warnings
        // An empty PATH is taken as absent: it would find nothing, and rpcd never searches its
        // working directory.
        let environmentPath = self.inputs.environment["PATH"] ?? ""
        let searchPath = environmentPath.isEmpty ? DaemonConfiguration.defaultSearchPath : environmentPath
        var backends: [BackendSettings] = []
        for declared in declarations.backends {
            var resolver = BackendResolver(declared)
            backends.append(try resolver.resolve(requestTimeout: requestTimeout, searchPath: searchPath, host: host))
            self.backendEntries += resolver.entries
        }
        return (directory, backends)
    }
}
