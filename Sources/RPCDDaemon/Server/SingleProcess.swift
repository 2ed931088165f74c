internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSystem
internal import RPCDTransport

/// rpcd serving in one process (`RPCD_WORKERS=0`): the serving stack every worker runs, with
/// the signals and the admin socket a master would otherwise own.
struct SingleProcess: Sendable {
    private let loaded: LoadedConfiguration
    private let service: ServiceEnvironment
    private let levelControl: LogLevelControl
    private let logger: Logger
    private let methods: @Sendable (inout MethodRegistry) -> Void

    /// Creates the process for a validated configuration; logging must already be bootstrapped.
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
    /// - Returns: the exit code: 0 after a stop, 1 when serving could not start, 2 when a
    ///   configured token file cannot be read.
    func run() async -> Int32 {
        let configuration = self.loaded.configuration
        let logger = self.logger
        logger.info("rpcd starting", metadata: ["version": "\(RPCDVersion.current)", "mode": "\(self.service.mode)"])
        // Created before binding, so a signal sent the moment rpcd is reachable is not lost: it
        // stays pending (blocked since launch) until the receiver reads it.
        let notifications = ServiceNotifications(
            notifier: self.service.notifier,
            readiness: self.service.readiness,
            logger: logger
        )
        guard let signals = StopSignals.receiver(notifications: notifications, logger: logger) else { return 1 }
        defer { signals.cancel() }
        guard
            let sockets = ListeningSockets.open(
                self.service,
                configuration,
                notifications: notifications,
                logger: logger
            )
        else {
            return 1
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        let exitCode = await self.serve(sockets, group: group, signals: signals, notifications: notifications)
        try? await group.shutdownGracefully()
        return exitCode
    }

    private func serve(
        _ sockets: ListeningSockets,
        group: MultiThreadedEventLoopGroup,
        signals: SignalReceiver,
        notifications: ServiceNotifications
    ) async -> Int32 {
        let configuration = self.loaded.configuration
        let logger = self.logger
        let startedAt = ContinuousClock.now
        let stack: ServingStack
        do {
            stack = try await ServingStack.make(
                configuration: configuration,
                listeners: sockets.bound,
                group: group,
                logger: logger,
                methods: self.methods
            ) { dispatcher, external in
                PrometheusExposition(
                    requests: dispatcher.counters.calls,
                    errors: dispatcher.counters.errors,
                    workersReady: 1,
                    workersDesired: 0,
                    generation: 1,
                    uptimeSeconds: Double((ContinuousClock.now - startedAt) / .seconds(1)),
                    methods: dispatcher.statistics.snapshot(),
                    backends: external.snapshots().map(\.metrics)
                ).text
            }
        } catch {
            sockets.closeAll()
            logger.error("cannot start", metadata: ["error": "\(error)"])
            notifications.failed("cannot start: \(error)")
            return 2
        }
        let server = stack.server
        let admin: RPCServer
        do {
            try await server.bind()
            admin = try await AdminSocket.open(
                configuration: configuration,
                activated: self.service.activation?.admin,
                registry: SingleProcessAdminMethods.registry(
                    loaded: self.loaded,
                    mode: self.service.mode,
                    server: server,
                    listeners: sockets.bound,
                    dispatcher: stack.dispatcher,
                    backends: stack.external,
                    levelControl: self.levelControl,
                    authorizer: AdminSocket.authorizer(configuration, logger: logger)
                ),
                group: group,
                logger: logger
            )
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            notifications.failed("cannot start: \(error)", errno: (error as? TransportError)?.errno)
            server.beginShutdown(timeout: .zero)
            await server.run()
            await stack.external.shutdown()
            return 1
        }

        logger.info("ready", metadata: ["threads": "\(configuration.threads)"])
        let status: @Sendable () -> String = {
            "\(server.isDraining ? "draining" : "serving"): \(server.connectionCount) connections"
        }
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
                stopGrace: configuration.stopGrace,
                notifications: notifications,
                logger: logger
            )
            ticker.cancel()
            admin.beginShutdown(timeout: .seconds(1))
        }
        // The clients' calls are answered or timed out: the backends finish theirs and stop.
        await stack.external.shutdown()
        stack.accessLog?.stop()
        logger.info("stopped")
        return 0
    }
}
