internal import Configuration

/// The raw text of every setting, layered flag > environment > config file with
/// swift-configuration's `ConfigReader`, plus the warnings found on the way (unknown keys).
///
/// Each layer is a plain provider: an `InMemoryProvider` for the flags and for the parsed file,
/// an `EnvironmentVariablesProvider` for the environment. Keys are looked up by their
/// environment name as a single key component, which every provider maps to itself.
struct LayeredSettings {
    /// A setting's text and where it came from.
    struct Setting {
        var text: String
        var source: ConfigSource
        /// For messages: `from the environment`, `from /etc/rpcd/rpcd.env line 4`.
        var origin: String
    }

    /// The config file that was read (absolute), or `nil`.
    let configFile: String?
    /// Where `RPCD_CONFIG` came from (`.default` also when there is no file).
    let configFileSetting: Setting?
    /// Unknown or ignored keys, repeated keys in the file.
    private(set) var warnings: [String] = []
    /// `RPCD_BACKEND_*` keys by full name, from the environment and from the config file
    /// (the environment's win); `BackendDeclarations` sorts them out.
    let backendKeys: [String: Setting]

    private let reader: ConfigReader
    private let reporter: AnsweringProviderReporter
    private let sourceByProvider: [String: ConfigSource]
    private let fileLines: [String: Int]

    init(
        flags: [String: String],
        environment: [String: String],
        currentDirectory: String,
        host: ConfigurationLoader.Host
    ) throws(ConfigurationError) {
        let reporter = AnsweringProviderReporter()
        let flagsProvider = InMemoryProvider(name: "flags", values: Self.values(flags))
        let environmentProvider = EnvironmentVariablesProvider(environmentVariables: environment)

        // The file cannot name itself: RPCD_CONFIG comes from the flags or the environment.
        let outerReader = ConfigReader(providers: [flagsProvider, environmentProvider], accessReporter: reporter)
        let configKey = ConfigKey([ConfigurationKey.config.rawValue])
        var fileSetting: Setting?
        var file: EnvironmentFile?
        if let named = outerReader.string(forKey: configKey) {
            let source: ConfigSource =
                reporter.answeringProvider(for: AbsoluteConfigKey(configKey)) == flagsProvider.providerName
                ? .flag : .environment
            fileSetting = Setting(text: named, source: source, origin: Self.origin(source, line: nil))
            // An empty RPCD_CONFIG means "no config file", not even the default one.
            if !named.isEmpty {
                file = try EnvironmentFile.load(
                    path: ConfigValueSyntax.absolutePath(named, currentDirectory: currentDirectory),
                    host: host
                )
            }
        } else if host.fileExists(host.defaultConfigFile) {
            file = try EnvironmentFile.load(path: host.defaultConfigFile, host: host)
        }

        var warnings: [String] = []
        var fileValues: [String: String] = [:]
        var fileLines: [String: Int] = [:]
        var backendKeys: [String: Setting] = [:]
        if let file {
            for assignment in file.assignments {
                let place = "\(file.path) line \(assignment.line)"
                if assignment.key == ConfigurationKey.config.rawValue {
                    warnings.append("\(assignment.key) in \(place) is ignored: a config file cannot name another one")
                    continue
                }
                let isBackendKey = assignment.key.hasPrefix(BackendKey.prefix)
                guard isBackendKey || ConfigurationKey(rawValue: assignment.key) != nil else {
                    warnings.append(Self.unknownKeyWarning(assignment.key, place: "in \(place)"))
                    continue
                }
                if let earlier = fileLines[assignment.key] {
                    warnings.append(
                        "\(assignment.key) is set twice in \(file.path) (lines \(earlier) and \(assignment.line)); "
                            + "line \(assignment.line) wins"
                    )
                }
                fileLines[assignment.key] = assignment.line
                if isBackendKey {
                    backendKeys[assignment.key] = Setting(
                        text: assignment.value,
                        source: .file(file.path),
                        origin: "from \(place)"
                    )
                } else {
                    fileValues[assignment.key] = assignment.value
                }
            }
        }
        for (name, text) in environment where name.hasPrefix(BackendKey.prefix) {
            backendKeys[name] = Setting(text: text, source: .environment, origin: Self.origin(.environment, line: nil))
        }
        for name in environment.keys.sorted()
        where name.hasPrefix("RPCD_") && !name.hasPrefix(BackendKey.prefix) && ConfigurationKey(rawValue: name) == nil {
            warnings.append(Self.unknownKeyWarning(name, place: "in the environment"))
        }
        for name in flags.keys.sorted() where ConfigurationKey(rawValue: name) == nil {
            warnings.append(Self.unknownKeyWarning(name, place: "on the command line"))
        }

        let fileProvider = InMemoryProvider(name: "file", values: Self.values(fileValues))
        var sourceByProvider = [
            flagsProvider.providerName: ConfigSource.flag,
            environmentProvider.providerName: .environment,
        ]
        if let file {
            sourceByProvider[fileProvider.providerName] = .file(file.path)
        }
        self.reader = ConfigReader(
            providers: [flagsProvider, environmentProvider, fileProvider],
            accessReporter: reporter
        )
        self.reporter = reporter
        self.sourceByProvider = sourceByProvider
        self.fileLines = fileLines
        self.backendKeys = backendKeys
        self.configFile = file?.path
        self.configFileSetting = fileSetting
        self.warnings = warnings
    }

    /// The winning text of `key`, or `nil` when no layer sets it.
    func setting(_ key: ConfigurationKey) -> Setting? {
        let configKey = ConfigKey([key.rawValue])
        guard let text = self.reader.string(forKey: configKey),
            let provider = self.reporter.answeringProvider(for: AbsoluteConfigKey(configKey)),
            let source = self.sourceByProvider[provider]
        else {
            return nil
        }
        return Setting(text: text, source: source, origin: Self.origin(source, line: self.fileLines[key.rawValue]))
    }

    private static func values(_ dictionary: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (name, text) in dictionary {
            values[AbsoluteConfigKey([name])] = ConfigValue(.string(text), isSecret: false)
        }
        return values
    }

    static func origin(_ source: ConfigSource, line: Int?) -> String {
        switch source {
        case .default:
            return "default"
        case .flag:
            return "from the command line"
        case .environment:
            return "from the environment"
        case .file(let path):
            return line.map { "from \(path) line \($0)" } ?? "from \(path)"
        }
    }

    static func unknownKeyWarning(_ name: String, place: String) -> String {
        guard name.hasPrefix("RPCD_") else {
            return "\(name) \(place) is not an rpcd setting and is ignored"
        }
        var warning = "unknown setting \(name) \(place) is ignored"
        if let suggestion = ConfigurationKey.closest(to: name) {
            warning += " (did you mean \(suggestion.rawValue)?)"
        }
        return warning
    }
}
