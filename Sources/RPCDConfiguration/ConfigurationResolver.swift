internal import Logging
internal import RPCDLogging

/// Turns each key's winning text (or its default) into a typed value and an entry.
struct ConfigurationResolver {
    let settings: LayeredSettings
    let inputs: ConfigurationLoader.Inputs
    var entries: [ConfigurationKey: ConfigEntry] = [:]
    /// Every backend's entries, after the daemon's, by backend name then key.
    var backendEntries: [ConfigEntry] = []
    /// Problems found while resolving that do not stop rpcd (ignored backend keys and files).
    var warnings: [String] = []

    init(settings: LayeredSettings, inputs: ConfigurationLoader.Inputs) {
        self.settings = settings
        self.inputs = inputs
    }

    // Ranges, chosen to catch typos (an extra zero, a missing unit) without getting in the way.
    static let workers = 0...1024
    static let threads = 1...256
    static let maxRequestBytes = 1...(1 << 30)
    static let maxBatch = 1...1_000_000
    // The JSON parser caps nesting at `JSONParser.depthCeiling` (1000) to bound its stack use.
    static let maxDepth = 1...1000
    static let maxConnections = 1...1_000_000
    static let maxRequests = 0...1_000_000_000
    static let rateLimit = 0...10_000_000
    static let day = Duration.seconds(86_400)
    static let timeout = Duration.milliseconds(1)...day
    static let shutdownTimeout = Duration.zero...day
    static let workerTimeout = Duration.milliseconds(100)...day

    mutating func resolveAll() throws(ConfigurationError) -> DaemonConfiguration {
        let host = self.inputs.host
        let environment = self.inputs.environment
        let directory = self.inputs.currentDirectory

        self.entries[.config] = ConfigEntry(
            key: .config,
            value: self.settings.configFile ?? "",
            source: self.settings.configFileSetting?.source ?? .default
        )
        let daemon = try self.resolve(.daemon, default: false, ConfigValueSyntax.boolean, ConfigValueSyntax.render)
        let listen = try self.resolve(
            .listen,
            default: DaemonConfiguration.defaultListen,
            { text throws(ValueProblem) in
                do throws(ListenEndpointError) {
                    return try ListenEndpoint.parseList(text)
                } catch {
                    throw ValueProblem(error.message)
                }
            },
            { $0.map(\.description).joined(separator: ",") }
        )
        let adminSocket = try self.resolve(
            .adminSocket,
            default: host.defaultAdminSocket(environment, host.effectiveUserID, host.userID),
            { text throws(ValueProblem) in try Self.socketPath(text, currentDirectory: directory) },
            { $0 }
        )
        let adminGroup = try self.resolve(
            .adminGroup,
            default: nil,
            { text throws(ValueProblem) -> String? in
                guard !text.isEmpty else {
                    return nil
                }
                guard host.groupExists(text) else {
                    throw ValueProblem("no such group (expected a group name or id known to this system)")
                }
                return text
            },
            { $0 ?? "" }
        )
        let workers = try self.resolve(
            .workers,
            default: min(host.onlineCPUs, Self.workers.upperBound),
            { text throws(ValueProblem) in try ConfigValueSyntax.wholeNumber(text, in: Self.workers) },
            String.init
        )
        let threads = try self.wholeNumber(.threads, default: 1, in: Self.threads)
        let logLevel = try self.resolve(
            .logLevel,
            default: Logger.Level.info,
            { text throws(ValueProblem) in
                guard let level = Logger.Level(rawValue: text.lowercased()) else {
                    throw ValueProblem("expected trace, debug, info, notice, warning, error or critical")
                }
                return level
            },
            \.rawValue
        )
        let logTarget = try self.resolve(
            .logTarget,
            default: LogTarget.auto,
            { text throws(ValueProblem) in
                guard let target = LogTarget.parse(text, currentDirectory: directory) else {
                    throw ValueProblem("expected auto, journald, stderr, syslog or file:PATH")
                }
                return target
            },
            \.description
        )
        let logFormat = try self.resolve(
            .logFormat,
            default: LogFormat.text,
            { text throws(ValueProblem) in
                guard let format = LogFormat(rawValue: text.lowercased()) else {
                    throw ValueProblem("expected text or json")
                }
                return format
            },
            \.rawValue
        )
        let accessLog = try self.resolve(
            .accessLog,
            default: AccessLogSetting.off,
            { text throws(ValueProblem) in try AccessLogSetting.parse(text, currentDirectory: directory, host: host) },
            \.description
        )
        let pidfile = try self.resolve(
            .pidfile,
            default: DaemonConfiguration.defaultPidfile(daemon: daemon, environment: environment, host: host),
            { text throws(ValueProblem) in try Self.optionalPath(text, currentDirectory: directory) },
            { $0 ?? "" }
        )
        let maxRequestBytes = try self.resolve(
            .maxRequestBytes,
            default: 5 << 20,
            { text throws(ValueProblem) in try ConfigValueSyntax.size(text, in: Self.maxRequestBytes) },
            ConfigValueSyntax.renderSize
        )
        let maxBatch = try self.wholeNumber(.maxBatch, default: 1000, in: Self.maxBatch)
        let maxDepth = try self.wholeNumber(.maxDepth, default: 64, in: Self.maxDepth)
        let maxConnections = try self.wholeNumber(.maxConnections, default: 4096, in: Self.maxConnections)
        let idleTimeout = try self.duration(.idleTimeout, default: .seconds(300), in: Self.timeout)
        let requestTimeout = try self.duration(.requestTimeout, default: .seconds(30), in: Self.timeout)
        let shutdownTimeout = try self.duration(.shutdownTimeout, default: .seconds(30), in: Self.shutdownTimeout)
        let stopGrace = try self.duration(.stopGrace, default: .zero, in: Self.shutdownTimeout)
        let workerTimeout = try self.duration(.workerTimeout, default: .seconds(30), in: Self.workerTimeout)
        let maxRequests = try self.wholeNumber(.maxRequests, default: 0, in: Self.maxRequests)
        let rateLimit = try self.wholeNumber(.rateLimit, default: 0, in: Self.rateLimit)
        let authTokenFile = try self.resolve(
            .authTokenFile,
            default: nil,
            { text throws(ValueProblem) -> String? in
                guard let path = try Self.optionalPath(text, currentDirectory: directory) else {
                    return nil
                }
                // Checked here so that --check-config catches it; the token itself is read later.
                if let reason = host.unreadableReason(path) {
                    throw ValueProblem("cannot read the token file \(path): \(reason)")
                }
                return path
            },
            { $0 ?? "" }
        )
        let authUsersFile = try self.resolve(
            .authUsersFile,
            default: nil,
            { text throws(ValueProblem) -> String? in
                guard let path = try Self.optionalPath(text, currentDirectory: directory) else { return nil }
                // As the token file: unreadable is caught here, the lines are read by the server.
                if let reason = host.unreadableReason(path) {
                    throw ValueProblem("cannot read the users file \(path): \(reason)")
                }
                return path
            },
            { $0 ?? "" }
        )
        let tls = try self.resolveTLS(listen: listen, currentDirectory: directory)
        let testMethods = try self.resolve(
            .testMethods,
            default: false,
            ConfigValueSyntax.boolean,
            ConfigValueSyntax.render
        )

        let methods = try self.resolveMethods(maxRequestBytes: maxRequestBytes, currentDirectory: directory)
        let backends = try self.resolveBackends(requestTimeout: requestTimeout, currentDirectory: directory)
        var configuration = DaemonConfiguration(
            configFile: self.settings.configFile,
            daemon: daemon,
            listen: listen,
            adminSocket: adminSocket,
            adminGroup: adminGroup,
            workers: workers,
            threads: threads,
            logLevel: logLevel,
            logTarget: logTarget,
            logFormat: logFormat,
            accessLog: accessLog,
            pidfile: pidfile,
            maxRequestBytes: maxRequestBytes,
            maxBatch: maxBatch,
            maxDepth: maxDepth,
            maxConnections: maxConnections,
            idleTimeout: idleTimeout,
            requestTimeout: requestTimeout,
            shutdownTimeout: shutdownTimeout,
            stopGrace: stopGrace,
            workerTimeout: workerTimeout,
            maxRequests: maxRequests,
            authTokenFile: authTokenFile,
            authUsersFile: authUsersFile,
            tls: tls,
            testMethods: testMethods,
            methods: methods,
            backendsDirectory: backends.directory,
            backends: backends.backends
        )
        configuration.rateLimit = rateLimit
        try self.resolveExposure(into: &configuration)
        return configuration
    }

    /// Resolves one key: the winning layer's text through `parse`, or `defaultValue`; records
    /// the entry with the value rendered canonically.
    mutating func resolve<Value>(
        _ key: ConfigurationKey,
        default defaultValue: @autoclosure () -> Value,
        _ parse: (String) throws(ValueProblem) -> Value,
        _ render: (Value) -> String
    ) throws(ConfigurationError) -> Value {
        guard let setting = self.settings.setting(key) else {
            let value = defaultValue()
            self.entries[key] = ConfigEntry(key: key, value: render(value), source: .default)
            return value
        }
        let value: Value
        do {
            value = try parse(setting.text)
        } catch {
            throw ConfigurationError(
                code: .invalidValue,
                message: "\(key.rawValue)='\(setting.text)': \(error.explanation) (\(setting.origin))"
            )
        }
        self.entries[key] = ConfigEntry(key: key, value: render(value), source: setting.source)
        return value
    }

    mutating func wholeNumber(
        _ key: ConfigurationKey,
        default defaultValue: Int,
        in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        try self.resolve(
            key,
            default: defaultValue,
            { text throws(ValueProblem) in try ConfigValueSyntax.wholeNumber(text, in: range) },
            String.init
        )
    }

    private mutating func duration(
        _ key: ConfigurationKey,
        default defaultValue: Duration,
        in range: ClosedRange<Duration>
    ) throws(ConfigurationError) -> Duration {
        try self.resolve(
            key,
            default: defaultValue,
            { text throws(ValueProblem) in try ConfigValueSyntax.duration(text, in: range) },
            ConfigValueSyntax.render
        )
    }

    /// An absolute path (relative ones resolved), or `nil` for an empty text.
    static func optionalPath(_ text: String, currentDirectory: String) throws(ValueProblem) -> String? {
        guard !text.isEmpty else {
            return nil
        }
        guard !text.utf8.contains(0) else {
            throw ValueProblem("expected a path without NUL bytes")
        }
        return ConfigValueSyntax.absolutePath(text, currentDirectory: currentDirectory)
    }

    /// A unix socket path that fits in `sun_path`.
    private static func socketPath(_ text: String, currentDirectory: String) throws(ValueProblem) -> String {
        let limit = ListenEndpoint.maximumUnixPathBytes
        guard let path = try self.optionalPath(text, currentDirectory: currentDirectory), path.utf8.count <= limit
        else {
            throw ValueProblem("expected a unix socket path of 1 to \(limit) bytes (relative paths are resolved)")
        }
        return path
    }
}
