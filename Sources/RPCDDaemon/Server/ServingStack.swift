internal import JSONRPC
internal import Logging
internal import NIOCore
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

    /// Builds the stack; nothing accepts until `server.bind()`.
    /// - Parameters:
    ///   - methods: the embedding program's own methods, registered beside the built-in ones.
    ///   - metricsText: the `GET /metrics` text, nil while there is none yet.
    /// - Throws: `AuthenticationTokenError` when a configured token file cannot be read: rpcd
    ///   never serves without the authentication it was told to require; `ExecDirectoryError` or
    ///   `MethodNameClash` for exec methods that cannot serve.
    init(
        configuration: DaemonConfiguration,
        listeners: [ListeningSocket],
        group: any EventLoopGroup,
        logger: Logger,
        methods: (inout MethodRegistry) -> Void,
        metricsText: @escaping @Sendable (Dispatcher) -> String?
    ) throws {
        var registry = Self.builtins(configuration, logger: logger, methods: methods)
        try ExecMethods(configuration: configuration, logger: logger).register(checkedInto: &registry)
        let dispatcher = Dispatcher(
            registry: registry,
            limits: DispatchLimits(
                maxBatch: configuration.maxBatch,
                maxDepth: configuration.maxDepth,
                requestTimeout: configuration.requestTimeout
            ),
            serverInfo: ServerInfo(title: "rpcd", version: RPCDVersion.current)
        )
        let limits = TransportLimits(
            maxRequestBytes: configuration.maxRequestBytes,
            maxConnections: configuration.maxConnections,
            idleTimeout: TimeAmount(configuration.idleTimeout),
            authenticationToken: try configuration.authTokenFile.map(AuthenticationMethod.readToken),
            metricsText: { metricsText(dispatcher) }
        )
        self.dispatcher = dispatcher
        self.server = RPCServer(
            listeners: listeners,
            dispatcher: dispatcher,
            limits: limits,
            group: group,
            logger: logger
        )
    }

    /// Why exec methods cannot serve beside the built-ins: checked before workers start and on reload.
    static func execProblem(
        _ configuration: DaemonConfiguration,
        methods: (inout MethodRegistry) -> Void
    ) -> (any Error)? {
        let registry = Self.builtins(configuration, logger: Logger(label: "rpcd"), methods: methods)
        return ExecMethods.problem(configuration, registered: registry.methodNames)
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
