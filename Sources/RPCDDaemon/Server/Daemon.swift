internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCDAdmin
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSystem
internal import RPCDTransport

/// The rpcd process: builds the method registry and the server from a configuration, serves
/// until a stop signal, and reports how it ended as an exit code.
struct Daemon: Sendable {
    private let loaded: LoadedConfiguration
    private let service: ServiceEnvironment
    private let levelControl: LogLevelControl
    private let logger: Logger
    private let methods: @Sendable (inout MethodRegistry) -> Void

    /// Creates a daemon for a validated configuration; logging must already be bootstrapped.
    /// - Parameter methods: registers extra methods beside the built-in ones.
    init(
        loaded: LoadedConfiguration,
        service: ServiceEnvironment = .foreground,
        levelControl: LogLevelControl,
        logger: Logger,
        methods: @escaping @Sendable (inout MethodRegistry) -> Void = { _ in }
    ) {
        self.loaded = loaded
        self.service = service
        self.levelControl = levelControl
        self.logger = logger
        self.methods = methods
    }

    /// Serves in this process (single-process mode) until stopped.
    /// - Returns: the exit code: 0 after a stop, 1 when serving could not start.
    func run() async -> Int32 {
        let configuration = self.loaded.configuration
        let logger = self.logger
        logger.info("rpcd starting", metadata: ["version": "\(RPCDVersion.current)", "mode": "\(self.service.mode)"])

        let dispatcher = Dispatcher(
            registry: Self.makeRegistry(configuration, logger: logger, methods: self.methods),
            limits: Self.dispatchLimits(configuration),
            serverInfo: ServerInfo(title: "rpcd", version: RPCDVersion.current)
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        let exitCode = await self.serve(configuration, dispatcher: dispatcher, group: group, logger: logger)
        try? await group.shutdownGracefully()
        return exitCode
    }

    private func serve(
        _ configuration: DaemonConfiguration,
        dispatcher: Dispatcher,
        group: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async -> Int32 {

        // Created before binding, so a signal sent the moment rpcd is reachable is not lost: it
        // stays pending (blocked since launch) until the receiver reads it.
        let notifications = ServiceNotifications(self.service, logger: logger)
        let signals: SignalReceiver
        do {
            signals = try SignalReceiver(StopSignals.handled)
        } catch {
            logger.error("cannot receive signals", metadata: ["error": "\(error)"])
            notifications.failed("cannot receive signals: \(error)", errno: error.errno.rawValue)
            return 1
        }
        defer { signals.cancel() }
        let listeners =
            self.service.activation?.listeners.map { ServerListener(adopting: $0.descriptor, as: $0.endpoint) }
            ?? configuration.listen.map(ServerListener.init(binding:))
        var limits: TransportLimits
        do {
            limits = try Self.transportLimits(configuration)
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            notifications.failed("cannot start: \(error)")
            return 2
        }
        let startedAt = ContinuousClock.now
        limits.metricsText = {
            PrometheusExposition(
                requests: dispatcher.counters.calls,
                errors: dispatcher.counters.errors,
                workersReady: 1,
                workersDesired: 0,
                generation: 1,
                uptimeSeconds: Double((ContinuousClock.now - startedAt) / .seconds(1)),
                methods: dispatcher.statistics.snapshot()
            ).text
        }
        let server = RPCServer(
            listeners: listeners,
            dispatcher: dispatcher,
            limits: limits,
            group: group,
            logger: logger
        )
        let bound: [BoundListener]
        do {
            bound = try await server.bind()
            for listener in bound {
                logger.info(
                    "listening",
                    metadata: [
                        "endpoint": "\(listener.endpoint)", "role": "\(listener.role)",
                        "address": "\(listener.address)",
                    ]
                )
            }
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            notifications.failed("cannot start: \(error)", errno: (error as? TransportError)?.errno)
            return 1
        }

        let admin: RPCServer
        do {
            admin = try await AdminSocket.open(
                configuration: configuration,
                activated: self.service.activation?.admin,
                registry: SingleProcessAdminMethods.registry(
                    loaded: self.loaded,
                    server: server,
                    listeners: bound,
                    dispatcher: dispatcher,
                    levelControl: self.levelControl,
                    authorizer: AdminSocket.authorizer(configuration, logger: logger)
                ),
                group: group,
                logger: logger
            )
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            notifications.failed("cannot start: \(error)")
            server.beginShutdown(timeout: .zero)
            await server.run()
            return 1
        }

        logger.info("ready", metadata: ["threads": "\(configuration.threads)"])
        let status: @Sendable () -> String = { "serving: \(server.connectionCount) connections" }
        notifications.ready(status: status())
        // The watchdog pings come from an event loop of the serving group, so a blocked loop stops them.
        let ticker = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) {
            _ in
            notifications.tick(healthy: true, status: status())
        }
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await admin.run() }
            await StopSignals.serveUntilStopped(
                server,
                signals: signals,
                shutdownTimeout: configuration.shutdownTimeout,
                notifications: notifications,
                logger: logger
            )
            ticker.cancel()
            admin.beginShutdown(timeout: .seconds(1))
        }
        logger.info("stopped")
        return 0
    }

    static func makeRegistry(
        _ configuration: DaemonConfiguration,
        logger: Logger,
        methods: (inout MethodRegistry) -> Void
    ) -> MethodRegistry {
        var registry = MethodRegistry()
        BuiltinMethods.register(into: &registry)
        AuthenticationMethod.register(into: &registry, logger: logger)
        if configuration.testMethods {
            TestMethods.register(into: &registry)
        }
        methods(&registry)
        return registry
    }

    static func dispatchLimits(_ configuration: DaemonConfiguration) -> DispatchLimits {
        DispatchLimits(
            maxBatch: configuration.maxBatch,
            maxDepth: configuration.maxDepth,
            requestTimeout: configuration.requestTimeout
        )
    }

    /// The transport's limits, with the token of `RPCD_AUTH_TOKEN_FILE` read now.
    /// - Throws: `AuthenticationTokenError` when a configured token file cannot be read: rpcd
    ///   never serves without the authentication it was told to require.
    static func transportLimits(
        _ configuration: DaemonConfiguration
    ) throws(AuthenticationTokenError)
        -> TransportLimits
    {
        TransportLimits(
            maxRequestBytes: configuration.maxRequestBytes,
            maxConnections: configuration.maxConnections,
            idleTimeout: TimeAmount(configuration.idleTimeout),
            authenticationToken: try configuration.authTokenFile.map(AuthenticationMethod.readToken)
        )
    }
}
