package import JSONRPC
package import Logging
package import NIOCore
internal import NIOPosix
internal import RPCDConfiguration
internal import RPCDSystem
internal import Synchronization

/// A JSON-RPC server over a set of listeners, sharing one dispatcher.
///
/// Lifecycle: `bind()` adopts every listener (or none: a failure closes those already adopted),
/// `run()` serves until `beginShutdown()` has been called and every connection has drained,
/// `closeAllConnections()` cuts the drain short. Apart from that, `setDraining(_:)` takes it out
/// of rotation and back (DESIGN §12): `/readyz` 503, connections leave, listeners still accept.
package final class RPCServer: Sendable {
    private let listeners: [ListeningSocket]
    private let dispatcher: Dispatcher
    private let limits: TransportLimits
    private let group: any EventLoopGroup
    private let logger: Logger
    private let registry: ConnectionRegistry
    private let calls = PendingCallRunner()
    private let drainDeadline = Mutex<Scheduled<Void>?>(nil)
    /// A stop waiting out its grace (`RPCD_STOP_GRACE`), out of rotation meanwhile.
    private let stopGrace = Mutex<Scheduled<Void>?>(nil)

    /// Creates a server over sockets that are already listening (`ListeningSockets`); nothing
    /// happens until `bind()`. The server owns the descriptors from then on and closes them.
    package init(
        listeners: [ListeningSocket],
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

    /// Whether the service is out of rotation (`setDraining(true)`, or a stop's grace).
    package var isDraining: Bool { self.registry.isOutOfRotation }

    /// Takes the service out of rotation (`draining`) or back in: `/readyz` answers 503
    /// `draining`, HTTP answers carry `Connection: close`, stream connections close at a message
    /// boundary (an idle one at once, a busy one after its last answer, a new one after its first);
    /// the listeners keep accepting and serving. `false` reverts that for new traffic.
    package func setDraining(_ draining: Bool) {
        guard self.registry.setOutOfRotation(draining) else { return }
        if draining {
            self.logger.info("draining, still serving", metadata: ["connections": "\(self.registry.connectionCount)"])
        } else {
            self.logger.info("undrained, serving")
        }
    }

    /// Re-reads the `RPCD_TLS_*` files for connections accepted from now on (single-process
    /// mode's reload); open connections finish on the old certificate.
    /// - Returns: false when the server has no TLS.
    /// - Throws: `TLSFileError` naming the file and the reason; the old certificate keeps serving.
    package func reloadTLS() throws(TLSFileError) -> Bool {
        guard let tls = self.limits.tls else { return false }
        try tls.reload()
        return true
    }

    /// Async calls running now (synchronous ones finish within the read that brought them).
    package var inFlightCount: Int { self.calls.runningCount }

    /// Starts accepting on every listener.
    /// - Throws: `TransportError` naming the endpoint whose socket could not be adopted.
    package func bind() async throws {
        var adopted: [any Channel] = []
        do {
            for listener in self.listeners {
                let channel = try await self.adopt(listener)
                self.registry.addListener(channel)
                adopted.append(channel)
            }
        } catch {
            for channel in adopted {
                try? await channel.close()
            }
            throw error
        }
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

    /// Stops gracefully: first out of rotation for `grace` (still serving), then `beginShutdown(timeout:)`.
    /// `closeAllConnections()` meanwhile skips the rest of the grace.
    package func beginShutdown(timeout: Duration, grace: Duration) {
        guard grace > .zero else {
            self.beginShutdown(timeout: timeout)
            return
        }
        self.setDraining(true)
        self.logger.info("stop grace", metadata: ["grace": "\(grace)"])
        let task = self.group.next().scheduleTask(in: TimeAmount(grace)) { [self] in
            self.beginShutdown(timeout: timeout)
        }
        self.stopGrace.withLock { $0 = task }
    }

    /// Stops accepting and asks every connection to finish what it has read, then close.
    /// - Parameter timeout: how long the drain may take before every connection is closed.
    package func beginShutdown(timeout: Duration) {
        self.stopGrace.withLock {
            $0?.cancel()
            $0 = nil
        }
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
        if let grace = self.stopGrace.withLock({ $0.take() }) {
            // A quick stop during the grace: the listeners close too, or nothing would end.
            grace.cancel()
            self.beginShutdown(timeout: .zero)
        }
        self.registry.closeAllConnections()
    }

    private func adopt(_ listener: ListeningSocket) async throws -> any Channel {
        let endpoint = listener.endpoint
        if endpoint.tls, self.limits.tls == nil {
            // A socket-activated tls… or https… socket, with no RPCD_TLS_CERT_FILE to serve.
            throw TransportError(
                code: .bindFailed,
                message:
                    "cannot serve \(endpoint) on fd \(listener.descriptor): TLS needs RPCD_TLS_CERT_FILE and RPCD_TLS_KEY_FILE"
            )
        }
        do {
            return try await self.makeBootstrap(for: endpoint).withBoundSocket(listener.descriptor).get()
        } catch {
            throw TransportError(
                code: .bindFailed,
                message: "cannot serve \(endpoint) on fd \(listener.descriptor): \(error)",
                cause: error
            )
        }
    }

    private func removeUnixSocketFiles() {
        for listener in self.listeners {
            ListeningSockets.removeSocketFile(of: listener)
        }
    }

    private func makeBootstrap(for endpoint: ListenEndpoint) -> ServerBootstrap {
        let dispatcher = self.dispatcher
        let limits = self.limits
        let registry = self.registry
        let calls = self.calls
        let logger = self.logger
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
                defer {
                    // Out of rotation, a new connection is still served, then asked to leave.
                    if registry.isOutOfRotation { pipeline.fireUserInboundEventTriggered(ServiceDrainingEvent()) }
                }
                try ConnectionPipeline.addProtocolHandlers(
                    to: pipeline,
                    endpoint: endpoint,
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
}
