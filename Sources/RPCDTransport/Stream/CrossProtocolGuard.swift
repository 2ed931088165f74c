internal import Logging
internal import NIOCore
internal import Synchronization

/// Closes a stream connection (NDJSON or length-prefixed) whose first bytes start an HTTP
/// request, before anything is decoded or run (DESIGN §11): a browser tricked into posting to a
/// stream port would otherwise have its body's lines taken as calls.
///
/// It sits before the frame decoder and leaves the pipeline once the first bytes are not HTTP,
/// so later reads pay nothing. A refusal is logged as a warning once per peer address per minute.
final class CrossProtocolGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The throttle shared by every connection of this process.
    static let warnings = Mutex(PeerLogThrottle())

    private let logger: Logger
    /// The first bytes while they could still start a request line.
    private var received: ByteBuffer?

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        if var received = self.received {
            received.writeBuffer(&bytes)
            bytes = received
        }
        switch HTTPRequestPrefix.verdict(bytes.readableBytesView.prefix(HTTPRequestPrefix.longest)) {
        case .undecided:
            self.received = bytes
        case .notHTTP:
            self.received = nil
            context.fireChannelRead(Self.wrapInboundOut(bytes))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .http:
            self.received = nil
            self.refuse(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A connection that closes after a few bytes that could start a method: pass them on,
        // so the decoder reports the fragment as it would without this guard.
        if let received = self.received {
            self.received = nil
            context.fireChannelRead(Self.wrapInboundOut(received))
        }
        context.fireChannelInactive()
    }

    private func refuse(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress
        let peer = address?.ipAddress ?? "unix"
        let logged = Self.warnings.withLock { $0.shouldLog(peer, now: .now) }
        if logged {
            self.logger.warning(
                "HTTP request on a stream listener, closing the connection",
                metadata: ["peer": "\(address?.description ?? "unix")", "note": "logged once per peer per minute"]
            )
        }
        context.close(promise: nil)
    }
}
