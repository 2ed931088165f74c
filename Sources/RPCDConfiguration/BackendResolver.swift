/// Turns one declared backend's winning texts (or the defaults) into `BackendSettings` and its
/// entries, `RPCD_BACKEND_<NAME>_<KEY>` for every key in `BackendKey.fixed` order, then `ENV_*`.
struct BackendResolver {
    // Ranges, like the daemon's, chosen to catch typos.
    static let instances = 1...256
    static let concurrency = 1...4096
    static let queue = 0...1_000_000
    static let maxCalls = 0...1_000_000_000
    static let maxRSS = 0...(1 << 40)
    static let startTimeout = Duration.milliseconds(1)...ConfigurationResolver.day
    static let stopTimeout = Duration.zero...ConfigurationResolver.day

    let backend: BackendDeclarations.Backend
    /// The entries resolved so far, in order.
    private(set) var entries: [ConfigEntry] = []

    init(_ backend: BackendDeclarations.Backend) {
        self.backend = backend
    }

    /// Resolves every key.
    /// - Parameters:
    ///   - requestTimeout: `RPCD_REQUEST_TIMEOUT`, the default `TIMEOUT`.
    ///   - searchPath: where a bare program name is looked for (rpcd's `PATH`).
    ///   - host: answers whether programs and directories exist.
    mutating func resolve(
        requestTimeout: Duration,
        searchPath: String,
        host: ConfigurationLoader.Host
    ) throws(ConfigurationError) -> BackendSettings {
        guard self.backend.settings[.command] != nil else {
            let declaredBy = self.backend.file.map { " (\($0) declares it)" } ?? ""
            throw ConfigurationError(
                code: .invalidValue,
                message: "\(self.name(.command)) is not set: backend \(self.backend.name) needs a command\(declaredBy)"
            )
        }
        let command = try self.value(
            .command,
            default: [],
            { text throws(ValueProblem) in
                var words = try CommandWords.split(text)
                words[0] = try Self.program(words[0], searchPath: searchPath, host: host)
                return words
            },
            CommandWords.join
        )
        var settings = BackendSettings(name: self.backend.name, command: command, timeout: requestTimeout)
        settings.instances = try self.wholeNumber(.instances, default: settings.instances, in: Self.instances)
        settings.concurrency = try self.wholeNumber(.concurrency, default: settings.concurrency, in: Self.concurrency)
        settings.methods = try self.value(.methods, default: nil, Self.methods, { $0?.joined(separator: ",") ?? "" })
        settings.timeout = try self.duration(.timeout, default: requestTimeout, in: ConfigurationResolver.timeout)
        settings.startTimeout = try self.duration(.startTimeout, default: settings.startTimeout, in: Self.startTimeout)
        settings.queue = try self.wholeNumber(.queue, default: settings.queue, in: Self.queue)
        settings.maxCalls = try self.wholeNumber(.maxCalls, default: settings.maxCalls, in: Self.maxCalls)
        settings.maxRSSBytes = try self.value(
            .maxRSS,
            default: settings.maxRSSBytes,
            { text throws(ValueProblem) in try ConfigValueSyntax.size(text, in: Self.maxRSS) },
            ConfigValueSyntax.renderSize
        )
        settings.stopTimeout = try self.duration(.stopTimeout, default: settings.stopTimeout, in: Self.stopTimeout)
        settings.directory = try self.value(
            .directory,
            default: settings.directory,
            { text throws(ValueProblem) in
                guard text.hasPrefix("/"), !text.utf8.contains(0) else {
                    throw ValueProblem("expected the absolute path of an existing directory")
                }
                let path = ConfigValueSyntax.absolutePath(text, currentDirectory: "/")
                guard host.isDirectory(path) else {
                    throw ValueProblem("no directory \(path) (expected the absolute path of an existing directory)")
                }
                return path
            },
            { $0 }
        )
        settings.passEnvironment = try self.value(
            .passEnv,
            default: [],
            ConfigValueSyntax.variableNames,
            { $0.joined(separator: ",") }
        )
        let variables = self.backend.settings.keys.compactMap { key -> String? in
            if case .environment(let variable) = key { variable } else { nil }
        }
        for variable in variables.sorted() {
            settings.environment[variable] = try self.value(
                .environment(variable),
                default: "",
                { text throws(ValueProblem) in
                    guard !text.utf8.contains(0) else {
                        throw ValueProblem("expected a value without NUL bytes")
                    }
                    return text
                },
                { $0 }
            )
        }
        return settings
    }

    /// `RPCD_BACKEND_<NAME>_<KEY>`.
    private func name(_ key: BackendKey) -> String {
        ConfigEntry.Key.backend(name: self.backend.name, key: key).rawValue
    }

    /// One key: the winning text through `parse`, or `defaultValue`; records the entry.
    private mutating func value<Value>(
        _ key: BackendKey,
        default defaultValue: Value,
        _ parse: (String) throws(ValueProblem) -> Value,
        _ render: (Value) -> String
    ) throws(ConfigurationError) -> Value {
        let entryKey = ConfigEntry.Key.backend(name: self.backend.name, key: key)
        guard let setting = self.backend.settings[key] else {
            self.entries.append(ConfigEntry(key: entryKey, value: render(defaultValue), source: .default))
            return defaultValue
        }
        let value: Value
        do {
            value = try parse(setting.text)
        } catch {
            throw ConfigurationError(
                code: .invalidValue,
                message: "\(entryKey.rawValue)='\(setting.text)': \(error.explanation) (\(setting.origin))"
            )
        }
        self.entries.append(ConfigEntry(key: entryKey, value: render(value), source: setting.source))
        return value
    }

    private mutating func wholeNumber(
        _ key: BackendKey,
        default defaultValue: Int,
        in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        try self.value(
            key,
            default: defaultValue,
            { text throws(ValueProblem) in try ConfigValueSyntax.wholeNumber(text, in: range) },
            String.init
        )
    }

    private mutating func duration(
        _ key: BackendKey,
        default defaultValue: Duration,
        in range: ClosedRange<Duration>
    ) throws(ConfigurationError) -> Duration {
        try self.value(
            key,
            default: defaultValue,
            { text throws(ValueProblem) in try ConfigValueSyntax.duration(text, in: range) },
            ConfigValueSyntax.render
        )
    }
}
