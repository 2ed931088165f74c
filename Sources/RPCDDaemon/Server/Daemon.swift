package import JSONRPC
package import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCDAdmin
internal import RPCDSystem
internal import RPCDTransport

/// The rpcd process: builds the method registry and the server from a configuration, serves
/// until a stop signal, and reports how it ended as an exit code.
package struct Daemon: Sendable {
    private let loaded: LoadedConfiguration
    private let levelControl: LogLevelControl
    private let logger: Logger
    private let methods: @Sendable (inout MethodRegistry) -> Void

    /// Creates a daemon for a validated configuration; logging must already be bootstrapped.
    /// - Parameter methods: registers extra methods beside the built-in ones.
    package init(
        loaded: LoadedConfiguration,
        levelControl: LogLevelControl,
        logger: Logger,
        methods: @escaping @Sendable (inout MethodRegistry) -> Void = { _ in }
    ) {
        self.loaded = loaded
        self.levelControl = levelControl
        self.logger = logger
        self.methods = methods
    }

    /// Serves in this process (single-process mode) until stopped.
    /// - Returns: the exit code: 0 after a stop, 1 when serving could not start.
    package func run() async -> Int32 {
        let configuration = self.loaded.configuration
        let logger = self.logger
        logger.info("rpcd starting", metadata: ["version": "\(RPCDVersion.current)", "mode": "foreground"])

        let dispatcher = Dispatcher(
            registry: Self.makeRegistry(configuration, methods: self.methods),
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
        let signals: SignalReceiver
        do {
            signals = try SignalReceiver(StopSignals.handled)
        } catch {
            logger.error("cannot receive signals", metadata: ["error": "\(error)"])
            return 1
        }
        defer { signals.cancel() }
        let server = RPCServer(
            endpoints: configuration.listen,
            dispatcher: dispatcher,
            limits: Self.transportLimits(configuration),
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
            return 1
        }

        let admin: RPCServer
        do {
            admin = try await AdminSocket.open(
                configuration: configuration,
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
            server.beginShutdown(timeout: .zero)
            await server.run()
            return 1
        }

        logger.info("ready", metadata: ["threads": "\(configuration.threads)"])
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await admin.run() }
            await StopSignals.serveUntilStopped(
                server,
                signals: signals,
                shutdownTimeout: configuration.shutdownTimeout,
                logger: logger
            )
            admin.beginShutdown(timeout: .seconds(1))
        }
        logger.info("stopped")
        return 0
    }

    static func makeRegistry(
        _ configuration: DaemonConfiguration,
        methods: (inout MethodRegistry) -> Void
    ) -> MethodRegistry {
        var registry = MethodRegistry()
        BuiltinMethods.register(into: &registry)
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

    static func transportLimits(_ configuration: DaemonConfiguration) -> TransportLimits {
        TransportLimits(
            maxRequestBytes: configuration.maxRequestBytes,
            maxConnections: configuration.maxConnections,
            idleTimeout: TimeAmount(configuration.idleTimeout)
        )
    }
}
