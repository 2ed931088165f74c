package import JSONRPC
package import Logging
package import NIOCore
internal import NIOPosix
package import RPCDConfiguration
internal import RPCDSystem
internal import Synchronization

/// A JSON-RPC server over a set of listeners, sharing one dispatcher.
///
/// Lifecycle: `bind()` opens every listener (or none: a failure closes those already bound),
/// `run()` serves until `beginShutdown()` has been called and every connection has drained,
/// `closeAllConnections()` cuts the drain short.
package final class RPCServer: Sendable {
    private let listeners: [ServerListener]
    private let dispatcher: Dispatcher
    private let limits: TransportLimits
    private let group: any EventLoopGroup
    private let logger: Logger
    private let registry: ConnectionRegistry
    private let calls = PendingCallRunner()
    private let drainDeadline = Mutex<Scheduled<Void>?>(nil)

    /// Creates a server that binds `endpoints` itself; nothing is bound until `bind()`.
    package convenience init(
        endpoints: [ListenEndpoint],
        dispatcher: Dispatcher,
        limits: TransportLimits,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.init(
            listeners: endpoints.map(ServerListener.init(binding:)),
            dispatcher: dispatcher,
            limits: limits,
            group: group,
            logger: logger
        )
    }

    /// Creates a server over listeners that it binds or adopts; nothing happens until `bind()`.
    package init(
        listeners: [ServerListener],
        dispatcher: Dispatcher,
        limits: TransportLimits,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.listeners = listeners
        self.dispatcher = dispatcher
        self.limits = limits
        self.group = group
        self.logger = logger
        self.registry = ConnectionRegistry(maxConnections: limits.maxConnections)
    }

    /// The number of open client connections.
    package var connectionCount: Int { self.registry.connectionCount }

    /// Async calls running now (synchronous ones finish within the read that brought them).
    package var inFlightCount: Int { self.calls.runningCount }

    /// Binds every endpoint.
    /// - Throws: `TransportError` naming the endpoint that could not be bound.
    package func bind() async throws -> [BoundListener] {
        var bound: [(any Channel, BoundListener)] = []
        do {
            for listener in self.listeners {
                let channel = try await self.open(listener)
                self.registry.addListener(channel)
                let endpoint = listener.endpoint
                bound.append((channel, BoundListener(endpoint: endpoint, address: Self.describe(channel, endpoint))))
            }
        } catch {
            for (channel, _) in bound {
                try? await channel.close()
            }
            throw error
        }
        return bound.map(\.1)
    }

    /// Serves until draining has finished.
    package func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.calls.run() }
            await self.registry.waitUntilDrained()
            self.drainDeadline.withLock { $0?.cancel() }
            // Every connection is closed: a call still running has nobody left to answer (the
            // drain was cut short, or its client left), so it is cancelled, not awaited.
            self.calls.finish()
            group.cancelAll()
        }
        self.removeUnixSocketFiles()
    }

    /// Stops accepting and asks every connection to finish what it has read, then close.
    /// - Parameter timeout: how long the drain may take before every connection is closed.
    package func beginShutdown(timeout: Duration) {
        // Listeners close first: whoever reads this line can rely on new connections being refused.
        self.registry.beginDraining()
        self.logger.info("draining connections", metadata: ["connections": "\(self.registry.connectionCount)"])
        let registry = self.registry
        let logger = self.logger
        let deadline = self.group.next().scheduleTask(in: TimeAmount(timeout)) {
            guard registry.connectionCount > 0 else { return }
            logger.warning(
                "drain timed out, closing connections",
                metadata: ["connections": "\(registry.connectionCount)"]
            )
            registry.closeAllConnections()
        }
        self.drainDeadline.withLock { $0 = deadline }
    }

    /// Closes every connection now (the drain time ran out, or a quick stop).
    package func closeAllConnections() {
        self.registry.closeAllConnections()
    }

    private func open(_ listener: ServerListener) async throws -> any Channel {
        let endpoint = listener.endpoint
        let bootstrap = self.makeBootstrap(for: endpoint)
        if let descriptor = listener.descriptor {
            do {
                return try await bootstrap.withBoundSocket(descriptor).get()
            } catch {
                throw TransportError(
                    code: .bindFailed,
                    message: "cannot serve \(endpoint) on fd \(descriptor): \(error)",
                    cause: error
                )
            }
        }
        switch endpoint.kind {
        case .tcp(let host, let port):
            do {
                return try await bootstrap.bind(host: host, port: port).get()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw TransportError(code: .addressInUse, message: "address already in use: \(endpoint)", cause: error)
            } catch {
                throw TransportError(code: .bindFailed, message: "cannot listen on \(endpoint): \(error)", cause: error)
            }
        case .unix(let path):
            try StaleSocketFile.clear(path, for: endpoint)
            let channel: any Channel
            do {
                channel = try await bootstrap.bind(unixDomainSocketPath: path).get()
            } catch {
                throw TransportError(code: .bindFailed, message: "cannot listen on \(endpoint): \(error)", cause: error)
            }
            if let mode = endpoint.unixMode {
                try FileSystemCalls.setMode(path, mode)
            }
            return channel
        }
    }

    private func removeUnixSocketFiles() {
        for listener in self.listeners where listener.removesSocketFile {
            if case .unix(let path) = listener.endpoint.kind {
                try? FileSystemCalls.removeIfPresent(path)
            }
        }
    }

    private func makeBootstrap(for endpoint: ListenEndpoint) -> ServerBootstrap {
        let dispatcher = self.dispatcher
        let limits = self.limits
        let registry = self.registry
        let calls = self.calls
        let logger = self.logger
        let framing = endpoint.framing
        var bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 16)
        if case .tcp = endpoint.kind {
            bootstrap =
                bootstrap
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        }
        return bootstrap.childChannelInitializer { channel in
            guard registry.connectionOpened(channel) else {
                return channel.close()
            }
            channel.closeFuture.whenComplete { _ in registry.connectionClosed(channel) }
            do {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(IdleStateHandler(allTimeout: limits.idleTimeout))
                try ConnectionPipeline.addProtocolHandlers(
                    to: pipeline,
                    framing: framing,
                    dispatcher: dispatcher,
                    limits: limits,
                    registry: registry,
                    calls: calls,
                    logger: logger
                )
                return channel.eventLoop.makeSucceededVoidFuture()
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }

    private static func describe(_ channel: any Channel, _ endpoint: ListenEndpoint) -> String {
        switch endpoint.kind {
        case .unix(let path):
            return path
        case .tcp(let host, _):
            guard let address = channel.localAddress, let port = address.port else { return endpoint.description }
            switch address {
            case .v6:
                return "[\(address.ipAddress ?? host)]:\(port)"
            default:
                return "\(address.ipAddress ?? host):\(port)"
            }
        }
    }
}
