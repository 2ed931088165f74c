internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDAccess
internal import RPCDSystem

/// Serves JSON-RPC over one stream connection (NDJSON or length-prefixed), one decoded frame at a time.
///
/// Synchronous calls are answered inline and flushed once per read burst; async calls go to the
/// server's `PendingCallRunner` and are written back on this event loop, in completion order.
/// When reading pauses, when to flush and how the connection ends are the `ConnectionLifecycle`'s
/// decisions; this handler reports events to it and performs what it returns.
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
    private var lifecycle: ConnectionLifecycle
    /// Routed calls answered and written but not yet settled with the lifecycle (see `routedCallCompleted`).
    private var unsettledCalls = 0

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
        self.lifecycle = ConnectionLifecycle(maxInFlight: limits.maxInFlightPerConnection)
    }

    func channelActive(context: ChannelHandlerContext) {
        self.requestContext.peer = context.channel.remoteAddress?.description
        self.requestContext.authentication = self.limits.authentication(for: context.channel)
        self.limits.limitRate(&self.requestContext, channel: context.channel)
        if case .unixDomainSocket = context.channel.localAddress,
            let provider = context.channel as? any SocketOptionProvider
        {
            // On the event loop this completes at once, before the first read is delivered.
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            provider.unsafeGetSocketOption(
                level: SocketOptionLevel(PeerCredentialsOption.level),
                name: SocketOptionName(PeerCredentialsOption.name)
            ).whenSuccess { (credentials: PeerCredentialsOption) in
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
        self.lifecycle.channelInactive()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After an oversized message the stream is being closed; nothing after it may run.
        guard self.lifecycle.isAnswering else { return }
        let frame = Self.unwrapInboundIn(data)
        self.requestContext.refreshCredential()
        let outcome =
            BlankMessage.outcome(of: frame, delimitedBy: self.framing.delimiter)
            ?? frame.withUnsafeReadableBytes { self.dispatcher.dispatch($0, context: self.requestContext) }
        switch outcome {
        case .noReply:
            break
        case .reply(let response):
            self.write(response, context: context)
        case .pending(let work):
            self.lifecycle.callStarted()
            self.calls.submit(work, for: self, context: context) { handler, response, context in
                handler.pendingCallCompleted(response, context: context)
            }
        case .deferred(let work):
            self.lifecycle.callStarted()
            self.calls.start(work, for: self, context: context) { handler, response, context in
                handler.routedCallCompleted(response, context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.perform(self.lifecycle.readCompleted())
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.lifecycle.readRequested() {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            context.perform(self.lifecycle.drain())
        case is ServiceDrainingEvent:
            context.perform(self.lifecycle.leave(closingIdle: true))
        case PartialMessageEvent.began:
            self.lifecycle.messageBegan()
        case PartialMessageEvent.ended:
            self.lifecycle.messageEnded()
        case let tls as TLSConnectionEvent:
            tls.apply(to: &self.requestContext)
        case ChannelEvent.inputClosed:
            // The client has sent everything (e.g. `nc -N`); answer what is in flight, then close.
            context.perform(self.lifecycle.inputClosed())
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            let actions = self.lifecycle.idleTimedOut()
            if actions.close != nil {
                self.logger.debug("closing idle connection", metadata: ["peer": "\(self.requestContext.peer ?? "?")"])
            }
            context.perform(actions)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is FrameTooLargeError:
            self.refuseOversizedMessage(context: context)
        case is IncompleteMessageError:
            // The client closed its side mid-message: that fragment can never run, but what is
            // in flight is still answered before the connection closes.
            context.perform(self.lifecycle.drain())
        default:
            // Resets and broken pipes are how clients leave; nothing to answer.
            self.logger.debug("connection error", metadata: ["error": "\(error)"])
            context.perform(self.lifecycle.failed())
        }
    }

    private func pendingCallCompleted(_ response: [UInt8]?, context: ChannelHandlerContext) {
        if let response, self.lifecycle.isAnswering {
            self.write(response, context: context)
        }
        if let authentication = self.requestContext.authentication, authentication.shouldClose,
            self.lifecycle.isAnswering, !self.lifecycle.isDraining
        {
            // rpc.authenticate failed once too often (it answers failures after a delay, so
            // asynchronously): the connection ends after this answer.
            self.logger.warning(
                "closing connection after failed authentications",
                metadata: ["peer": "\(self.requestContext.peer ?? "?")", "failures": "\(authentication.failures)"]
            )
            context.perform(self.lifecycle.drain())
        }
        context.perform(self.lifecycle.callFinished())
    }

    /// A routed call's answer. Many come in one burst under load (a backend answers a line per
    /// call): each is written at once, and the burst is flushed (and its calls settled) once,
    /// on the loop's next turn, instead of one `write` to the socket per answer.
    private func routedCallCompleted(_ response: [UInt8]?, context: ChannelHandlerContext) {
        if let response, self.lifecycle.isAnswering {
            self.write(response, context: context)
        }
        self.unsettledCalls += 1
        guard self.unsettledCalls == 1 else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = bound.value
            let finished = handler.unsettledCalls
            handler.unsettledCalls = 0
            // The first settles and flushes what the burst wrote; the others only count.
            for _ in 0..<finished { context.perform(handler.lifecycle.callFinished()) }
        }
    }

    private func write(_ response: [UInt8], context: ChannelHandlerContext) {
        context.write(Self.wrapOutboundOut(self.framed(response, context: context)), promise: nil)
        self.lifecycle.responseWritten()
    }

    private func framed(_ response: [UInt8], context: ChannelHandlerContext) -> ByteBuffer {
        var buffer = context.channel.allocator.buffer(capacity: response.count + 4)
        self.framing.write(response, into: &buffer)
        return buffer
    }

    /// Answers an oversized message with -32005 and closes: the rest of the stream can no longer
    /// be split into messages reliably.
    private func refuseOversizedMessage(context: ChannelHandlerContext) {
        guard self.lifecycle.finalResponse() else { return }
        self.logger.notice(
            "request too large, closing connection",
            metadata: ["peer": "\(self.requestContext.peer ?? "?")", "limit": "\(self.limits.maxRequestBytes)"]
        )
        context.writeFinalResponse(self.framed(Dispatcher.errorResponse(.requestTooLarge), context: context))
    }
}
