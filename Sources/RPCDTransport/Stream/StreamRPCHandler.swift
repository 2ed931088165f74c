internal import CLinux
internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOExtras
internal import RPCDAccess

#if canImport(Glibc)
internal import Glibc
#endif

/// Serves JSON-RPC over one stream connection (NDJSON or length-prefixed), one decoded frame at a time.
///
/// Synchronous calls are answered inline and flushed once per read burst; async calls go to the
/// server's `PendingCallRunner` and are written back on this event loop, in completion order.
/// While draining, or once the client has shut down its sending side, reading stops and the
/// connection closes at a message boundary once nothing is in flight.
final class StreamRPCHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let dispatcher: Dispatcher
    private let framing: StreamFraming
    private let limits: TransportLimits
    private let calls: PendingCallRunner
    private let logger: Logger
    private var requestContext: RequestContext

    private var inFlight = 0
    private var needsFlush = false
    private var readHeld = false
    private var draining = false
    private var closed = false
    private var inputClosed = false
    /// Our side is shut; the client's remaining bytes are read and dropped until it closes too.
    private var lingering = false

    init(
        dispatcher: Dispatcher,
        framing: StreamFraming,
        transport: String,
        limits: TransportLimits,
        calls: PendingCallRunner,
        logger: Logger
    ) {
        self.dispatcher = dispatcher
        self.framing = framing
        self.limits = limits
        self.calls = calls
        self.logger = logger
        self.requestContext = RequestContext(transport: transport)
    }

    func channelActive(context: ChannelHandlerContext) {
        self.requestContext.peer = context.channel.remoteAddress?.description
        self.requestContext.authentication = self.limits.authentication(for: context.channel)
        if case .unixDomainSocket = context.channel.localAddress,
            let provider = context.channel as? any SocketOptionProvider
        {
            // On the event loop this completes at once, before the first read is delivered.
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
                .whenSuccess { (credentials: rpcd_peer_credentials) in
                    bound.value.requestContext.peerCredentials = PeerCredentials(
                        pid: credentials.pid,
                        uid: credentials.uid,
                        gid: credentials.gid
                    )
                }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After an oversized message the stream is being closed; nothing after it may run.
        guard !self.closed else { return }
        let frame = Self.unwrapInboundIn(data)
        if frame.readableBytes > self.limits.maxRequestBytes {
            self.refuseOversizedMessage(context: context)
            return
        }
        if Self.isBlank(frame) {
            // A blank line is NDJSON's no-op; a frame is a message, and an empty one is invalid.
            if self.framing == .lengthPrefix {
                self.write(Dispatcher.errorResponse(.parseError("empty message")), context: context)
            }
            return
        }
        let outcome = frame.withUnsafeReadableBytes { bytes in
            self.dispatcher.dispatch(bytes, context: self.requestContext)
        }
        switch outcome {
        case .noReply:
            break
        case .reply(let response):
            self.write(response, context: context)
        case .pending(let work):
            self.inFlight += 1
            let eventLoop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
            self.calls.submit {
                let response = await work()
                eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.pendingCallCompleted(response, context: context)
                }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.lingering {
            context.read()
        } else if self.draining || self.inFlight >= self.limits.maxInFlightPerConnection {
            self.readHeld = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            self.draining = true
            self.closeIfDrained(context: context)
        case ChannelEvent.inputClosed:
            // The client has sent everything (e.g. `nc -N`); answer what is in flight, then close.
            self.inputClosed = true
            self.draining = true
            if self.lingering {
                context.close(promise: nil)
            } else {
                self.closeIfDrained(context: context)
            }
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            if self.inFlight == 0 {
                self.logger.debug("closing idle connection", metadata: ["peer": "\(self.requestContext.peer ?? "?")"])
                context.close(promise: nil)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is FrameTooLargeError, is ByteToMessageDecoderError.PayloadTooLargeError:
            self.refuseOversizedMessage(context: context)
        case is NIOExtrasErrors.LeftOverBytesError:
            // The client closed its side mid-message: that fragment can never run, but what is
            // in flight is still answered before the connection closes.
            self.draining = true
            self.closeIfDrained(context: context)
        default:
            // Resets and broken pipes are how clients leave; nothing to answer.
            self.logger.debug("connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    private func pendingCallCompleted(_ response: [UInt8]?, context: ChannelHandlerContext) {
        self.inFlight -= 1
        guard !self.closed else { return }
        if let response {
            self.write(response, context: context)
            self.flushIfNeeded(context: context)
        }
        if let authentication = self.requestContext.authentication, authentication.shouldClose, !self.draining {
            // rpc.authenticate failed once too often (it answers failures after a delay, so
            // asynchronously): the connection ends after this answer.
            self.logger.warning(
                "closing connection after failed authentications",
                metadata: ["peer": "\(self.requestContext.peer ?? "?")", "failures": "\(authentication.failures)"]
            )
            self.draining = true
        }
        if self.readHeld, !self.draining, self.inFlight < self.limits.maxInFlightPerConnection {
            self.readHeld = false
            context.read()
        }
        self.closeIfDrained(context: context)
    }

    private func write(_ response: [UInt8], context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: response.count + 4)
        self.framing.write(response, into: &buffer)
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
        self.needsFlush = true
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        guard self.draining, self.inFlight == 0, !self.closed else { return }
        self.closed = true
        self.flushIfNeeded(context: context)
        if self.inputClosed {
            context.close(promise: nil)
            return
        }
        // A request racing the close meets EOF (retry), not a reset.
        self.lingering = true
        context.closeOutputAndLinger()
        if self.readHeld {
            self.readHeld = false
            context.read()
        }
    }

    /// Answers an oversized message with -32005 and closes: the rest of the stream can no longer
    /// be split into messages reliably.
    private func refuseOversizedMessage(context: ChannelHandlerContext) {
        guard !self.closed else { return }
        self.closed = true
        self.logger.notice(
            "request too large, closing connection",
            metadata: ["peer": "\(self.requestContext.peer ?? "?")", "limit": "\(self.limits.maxRequestBytes)"]
        )
        let response = Dispatcher.errorResponse(.requestTooLarge)
        var buffer = context.channel.allocator.buffer(capacity: response.count + 4)
        self.framing.write(response, into: &buffer)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(Self.wrapOutboundOut(buffer)).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    private static func isBlank(_ frame: ByteBuffer) -> Bool {
        frame.readableBytesView.allSatisfy {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n")
        }
    }
}
