internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL
internal import RPCDConfiguration

/// The handlers that speak one listener's protocol on an accepted connection.
enum ConnectionPipeline {
    /// Adds TLS for a TLS endpoint, then the framing decoder and the JSON-RPC handler for its framing.
    static func addProtocolHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        endpoint: ListenEndpoint,
        dispatcher: Dispatcher,
        limits: TransportLimits,
        registry: ConnectionRegistry,
        calls: PendingCallRunner,
        logger: Logger
    ) throws {
        if endpoint.tls {
            guard let tls = limits.tls else {
                throw TransportError(code: .bindFailed, message: "\(endpoint) serves TLS, but no certificate is loaded")
            }
            // Read once per connection: a reload (single-process mode) reaches new connections only.
            try pipeline.addHandler(NIOSSLServerHandler(context: tls.current))
            try pipeline.addHandler(
                TLSHandshakeHandler(
                    transport: endpoint.transport,
                    requiresClientCertificate: tls.requiresClientCertificate,
                    logger: logger
                )
            )
        }
        try Self.addProtocolHandlers(
            to: pipeline,
            framing: endpoint.framing,
            transport: endpoint.transport,
            dispatcher: dispatcher,
            limits: limits,
            registry: registry,
            calls: calls,
            logger: logger
        )
    }

    /// Adds the framing decoder and the JSON-RPC handler for `framing`.
    static func addProtocolHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        framing: ListenEndpoint.Framing,
        transport: String? = nil,
        dispatcher: Dispatcher,
        limits: TransportLimits,
        registry: ConnectionRegistry,
        calls: PendingCallRunner,
        logger: Logger
    ) throws {
        let streamFraming: StreamFraming
        if framing != .http {
            try pipeline.addHandler(CrossProtocolGuard(logger: logger))
        }
        switch framing {
        case .ndjson:
            try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineBytes: limits.maxRequestBytes)))
            streamFraming = .newline
        case .length:
            try pipeline.addHandler(
                ByteToMessageHandler(LengthPrefixFrameDecoder(maxFrameBytes: limits.maxRequestBytes))
            )
            streamFraming = .lengthPrefix
        case .http:
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try pipeline.addHandler(
                HTTPRPCHandler(dispatcher: dispatcher, limits: limits, registry: registry, calls: calls, logger: logger)
            )
            return
        }
        try pipeline.addHandler(
            StreamRPCHandler(
                dispatcher: dispatcher,
                framing: streamFraming,
                transport: transport ?? framing.rawValue,
                limits: limits,
                calls: calls,
                logger: logger
            )
        )
    }
}
