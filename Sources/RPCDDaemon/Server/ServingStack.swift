internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDAccess
internal import RPCDBackends
internal import RPCDConfiguration
internal import RPCDTransport

/// What serves requests in a process that serves: the method registry, the dispatcher, the
/// transport limits and the server over the listening sockets.
///
/// Single-process mode and every worker build exactly this; only what surrounds it (signals,
/// the master, the control socket) differs.
struct ServingStack: Sendable {
    let dispatcher: Dispatcher
    let server: RPCServer
    /// The exec methods and backend pools; `shutdown()` them after the server has drained.
    let external: ExternalMethods
    /// The access log (`RPCD_ACCESS_LOG`), nil when off; `stop()` it after the backends have shut down.
    let accessLog: AccessLogObserver?

    /// Builds the stack and starts its backends; nothing accepts until `server.bind()`.
    /// - Parameters:
    ///   - methods: the embedding program's own methods, registered beside the built-in ones.
    ///   - metricsText: the `GET /metrics` text, nil while there is none yet.
    /// - Throws: `AccessFileError` when a configured token or users file cannot be read: rpcd
    ///   never serves without the authentication it was told to require; `ExecDirectoryError` or
    ///   `MethodNameClash` for exec methods that cannot serve.
    static func make(
        configuration: DaemonConfiguration,
        listeners: [ListeningSocket],
        group: any EventLoopGroup,
        logger: Logger,
        methods: (inout MethodRegistry) -> Void,
        metricsText: @escaping @Sendable (Dispatcher, ExternalMethods) -> String?
    ) async throws -> ServingStack {
        // Read first: a missing token file must not start (and then stop) any backend.
        let access = try AuthenticationMethod.files(configuration).policy()
        let accessLog = try AccessLogObserver.open(configuration.accessLog, format: configuration.logFormat, on: group)
        let tls = configuration.tls.isConfigured ? try TLSServerContext(settings: configuration.tls) : nil
        var registry = Self.builtins(configuration, logger: logger, methods: methods)
        let external = try ExternalMethods(configuration: configuration, group: group, logger: logger)
        do {
            try await external.start(into: &registry)
        } catch {
            await external.shutdown()
            accessLog?.stop()
            throw error
        }
        return ServingStack(
            configuration: configuration,
            registry: registry,
            external: external,
            access: access,
            accessLog: accessLog,
            tls: tls,
            listeners: listeners,
            group: group,
            logger: logger,
            metricsText: metricsText
        )
    }

    private init(
        configuration: DaemonConfiguration,
        registry: MethodRegistry,
        external: ExternalMethods,
        access: AccessPolicy?,
        accessLog: AccessLogObserver?,
        tls: TLSServerContext?,
        listeners: [ListeningSocket],
        group: any EventLoopGroup,
        logger: Logger,
        metricsText: @escaping @Sendable (Dispatcher, ExternalMethods) -> String?
    ) {
        let dispatcher = Dispatcher(
            registry: registry,
            limits: DispatchLimits(
                maxBatch: configuration.maxBatch,
                maxDepth: configuration.maxDepth,
                requestTimeout: configuration.requestTimeout
            ),
            serverInfo: ServerInfo(title: "rpcd", version: RPCDVersion.current),
            observer: accessLog
        )
        let limits = TransportLimits(
            maxRequestBytes: configuration.maxRequestBytes,
            maxConnections: configuration.maxConnections,
            idleTimeout: TimeAmount(configuration.idleTimeout),
            access: access,
            metricsText: { metricsText(dispatcher, external) },
            allowedHosts: HostAllowlist(configuration.httpAllowedHosts),
            allowedOrigins: OriginPolicy(configuration.httpAllowedOrigins),
            tls: tls,
            accessGuard: AccessGuard(rateLimit: configuration.rateLimit)
        )
        self.external = external
        self.accessLog = accessLog
        self.dispatcher = dispatcher
        self.server = RPCServer(
            listeners: listeners,
            dispatcher: dispatcher,
            limits: limits,
            group: group,
            logger: logger
        )
    }

    /// Why the TLS files, exec methods or backends cannot serve beside the built-ins: checked before workers
    /// start, by `--check-config`, and before a reload. Blocking: backends may be asked their methods.
    static func methodsProblem(
        _ configuration: DaemonConfiguration,
        methods: (inout MethodRegistry) -> Void
    ) -> (problem: (any Error)?, warnings: [String]) {
        // A bad users-file line refuses the start and a reload, as a bad exec method does.
        do { _ = try AuthenticationMethod.files(configuration).users() } catch { return (error, []) }
        if let problem = TLSServerContext.problem(configuration.tls) { return (problem, []) }
        let registry = Self.builtins(configuration, logger: Logger(label: "rpcd"), methods: methods)
        return ExternalMethods.problem(configuration, registered: registry.methodNames)
    }

    /// The built-in methods (and the embedding program's), before exec methods join them.
    static func builtins(
        _ configuration: DaemonConfiguration,
        logger: Logger,
        methods: (inout MethodRegistry) -> Void
    )
        -> MethodRegistry
    {
        var registry = MethodRegistry()
        BuiltinMethods.register(into: &registry)
        AuthenticationMethod.register(into: &registry, logger: logger)
        if configuration.testMethods { TestMethods.register(into: &registry) }
        methods(&registry)
        return registry
    }
}
