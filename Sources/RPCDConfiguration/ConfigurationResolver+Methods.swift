extension ConfigurationResolver {
    static let methodsConcurrency = 1...4096
    static let methodsQueue = 0...1_000_000

    /// The `RPCD_METHODS_*` keys; `RPCD_METHODS_MAX_OUTPUT` defaults to `maxRequestBytes`.
    mutating func resolveMethods(
        maxRequestBytes: Int,
        currentDirectory: String
    ) throws(ConfigurationError) -> ExecMethodSettings {
        var settings = ExecMethodSettings()
        settings.directory = try self.resolve(
            .methodsDir,
            default: nil,
            { text throws(ValueProblem) in try Self.optionalPath(text, currentDirectory: currentDirectory) },
            { $0 ?? "" }
        )
        settings.passEnvironment = try self.resolve(
            .methodsPassEnv,
            default: [],
            ConfigValueSyntax.variableNames,
            { $0.joined(separator: ",") }
        )
        settings.maxOutputBytes = try self.resolve(
            .methodsMaxOutput,
            default: maxRequestBytes,
            { text throws(ValueProblem) in try ConfigValueSyntax.size(text, in: Self.maxRequestBytes) },
            ConfigValueSyntax.renderSize
        )
        settings.concurrency = try self.wholeNumber(.methodsConcurrency, default: 16, in: Self.methodsConcurrency)
        settings.queue = try self.wholeNumber(.methodsQueue, default: 64, in: Self.methodsQueue)
        return settings
    }
}
