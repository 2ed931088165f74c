internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import RPCDConfiguration

/// The handlers that speak one listener's protocol on an accepted connection.
enum ConnectionPipeline {
    /// Adds the framing decoder and the JSON-RPC handler for `framing`.
    static func addProtocolHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        framing: ListenEndpoint.Framing,
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
                transport: framing.rawValue,
                limits: limits,
                calls: calls,
                logger: logger
            )
        )
    }
}
