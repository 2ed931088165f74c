internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import RPCDAccess

/// Serves JSON-RPC over HTTP/1.1 POST, plus the `/healthz` and `/readyz` probes and `/metrics`.
///
/// It sits right after NIO's `HTTPRequestDecoder` and wires the pieces: `HTTPRequestPolicy`
/// decides what a request head gets, `HTTPAuthentication` checks credentials, each response is
/// one `HTTPResponse` buffer, and the `ConnectionLifecycle` decides about reading, flushing and
/// closing. Pipelined requests are answered strictly in order: while an async call runs (or a
/// refusal waits out its delay), later request parts wait in an `HTTPPipelineQueue` and reading
/// pauses.
final class HTTPRPCHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum RequestState {
        case idle
        /// Collecting a POST body.
        case receiving(HTTPRequestHead, body: ByteBuffer?)
        /// A response was already sent from the head; the body is read and dropped.
        case discarding
        /// A probe whose answer is written when the request ends.
        case probe(HTTPRequestHead, HTTPResponseStatus, String)
        /// A POST without the right bearer token: its body is dropped, then 401 after a delay.
        case unauthorized(HTTPRequestHead)
        /// An async call runs (or a refusal waits out its delay); the response is written then.
        case waiting
    }

    private let dispatcher: Dispatcher
    private var policy: HTTPRequestPolicy
    private let limits: TransportLimits
    private let registry: ConnectionRegistry
    private let calls: PendingCallRunner
    let logger: Logger
    var requestContext: RequestContext
    /// Set when POSTs need a credential (`RPCD_AUTH_TOKEN_FILE`, `RPCD_AUTH_USERS_FILE`, TCP only).
    var bearer: HTTPAuthentication?
    var state = RequestState.idle
    /// The allowed origin of the call being answered, named in its answer (one call at a time).
    private var corsOrigin: String?
    private var queue = HTTPPipelineQueue()
    /// One call at a time: responses must keep the order of the requests.
    var lifecycle = ConnectionLifecycle(maxInFlight: 1)

    init(
        dispatcher: Dispatcher,
        limits: TransportLimits,
        registry: ConnectionRegistry,
        calls: PendingCallRunner,
        logger: Logger
    ) {
        self.dispatcher = dispatcher
        self.policy = HTTPRequestPolicy(limits: limits, localAddress: nil)
        self.limits = limits
        self.registry = registry
        self.calls = calls
        self.logger = logger
        self.requestContext = RequestContext(transport: "http")
    }

    private var isWaiting: Bool {
        if case .waiting = self.state { true } else { false }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.requestContext.peer = context.channel.remoteAddress?.description
        self.bearer = HTTPAuthentication(limits: self.limits, channel: context.channel)
        self.requestContext.authentication = self.bearer?.authentication
        self.limits.limitRate(&self.requestContext, channel: context.channel)
        self.policy = HTTPRequestPolicy(limits: self.limits, localAddress: context.channel.localAddress)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.lifecycle.channelInactive()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        if self.isWaiting {
            self.queue.append(part)
            return
        }
        self.handle(part, context: context)
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
            // Draining: answer every request already read (the last with `Connection: close`),
            // then close.
            context.perform(self.lifecycle.drain())
        case is ServiceDrainingEvent:
            // Out of rotation: the next answer says `Connection: close`; an idle keep-alive
            // connection is not cut, since a request may be on its way on it.
            context.perform(self.lifecycle.leave(closingIdle: false))
        case let tls as TLSConnectionEvent:
            tls.apply(to: &self.requestContext)
        case ChannelEvent.inputClosed:
            // The client will send nothing more: likewise, and a half-sent request is dropped.
            context.perform(self.lifecycle.inputClosed())
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            // Idle with a half-sent request is a stalled client holding a connection slot; only
            // a call still running keeps the connection.
            context.perform(self.lifecycle.idleTimedOut())
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard self.lifecycle.isAnswering else { return }
        guard error is HTTPParserError else {
            self.logger.debug("http connection error", metadata: ["error": "\(error)"])
            context.perform(self.lifecycle.failed())
            return
        }
        if self.isWaiting {
            // Answer the call under way and what was queued before the bad request first.
            self.queue.appendMalformedRequest()
            return
        }
        self.refuseMalformedRequest(error, context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        guard self.lifecycle.isAnswering else { return }
        switch part {
        case .head(let head):
            self.lifecycle.messageBegan()
            self.receivedHead(head, context: context)
        case .body(var chunk):
            // Anything but a body being collected (a refused request's included) is dropped.
            guard case .receiving(let head, var body) = self.state else { return }
            guard self.policy.admitsBody((body?.readableBytes ?? 0) + chunk.readableBytes) else {
                self.state = .discarding
                self.send(.tooLarge(answering: head), context: context)
                return
            }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
            self.state = .receiving(head, body: body)
        case .end:
            self.lifecycle.messageEnded()
            switch self.state {
            case .receiving(let head, let body):
                self.dispatch(head, body: body ?? ByteBuffer(), context: context)
            case .probe(let head, let status, let text):
                self.state = .idle
                self.send(.text(status, text, answering: head), context: context)
            case .unauthorized(let head):
                self.refuseUnauthorized(head, context: context)
            case .discarding:
                self.state = .idle
            case .idle, .waiting:
                break
            }
        }
    }

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let decision = self.policy.decide(
            head,
            workerDraining: { self.registry.isDraining },
            authorized: { self.bearer?.admits($0, context: &self.requestContext) ?? true }
        )
        switch decision {
        case .call(let corsOrigin):
            self.corsOrigin = corsOrigin
            self.state = .receiving(head, body: nil)
        case .preflight(let origin):
            self.state = .discarding
            self.send(.preflight(origin: origin, answering: head), context: context)
        case .answer(let status, let text):
            self.state = .probe(head, status, text)
        case .refuse(let status, let text, let allowPOST):
            self.state = .discarding
            self.send(.text(status, text, answering: head, allowPOST: allowPOST), context: context)
        case .tooLarge:
            // Refused before reading the body; closing spares the client sending it all.
            self.state = .discarding
            self.send(.tooLarge(answering: head), context: context)
        case .unauthorized:
            self.state = .unauthorized(head)
        }
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        if let refusal = HTTPAccessRefusal.rateLimited(self.requestContext, head: head) {
            self.state = .idle
            return self.send(refusal, context: context)
        }
        let outcome =
            BlankMessage.outcome(of: body, delimitedBy: .httpBody)
            ?? body.withUnsafeReadableBytes { self.dispatcher.dispatch($0, context: self.requestContext) }
        switch outcome {
        case .noReply:
            self.state = .idle
            self.send(.json(nil, answering: head, corsOrigin: self.corsOrigin), context: context)
        case .reply(let response):
            self.state = .idle
            self.send(.json(response, answering: head, corsOrigin: self.corsOrigin), context: context)
        case .pending(let work):
            self.state = .waiting
            self.lifecycle.callStarted()
            self.calls.submit(work, for: self, context: context) { handler, response, context in
                handler.pendingCallCompleted(head, response: response, context: context)
            }
        case .deferred(let work):
            self.state = .waiting
            self.lifecycle.callStarted()
            self.calls.start(work, for: self, context: context) { handler, response, context in
                handler.pendingCallCompleted(head, response: response, context: context)
            }
        }
    }

    private func pendingCallCompleted(_ head: HTTPRequestHead, response: [UInt8]?, context: ChannelHandlerContext) {
        guard self.lifecycle.isAnswering else { return }
        self.state = .idle
        self.send(.json(response, answering: head, corsOrigin: self.corsOrigin), context: context)
        self.resumeAfterWaiting(context: context)
    }

    /// After the response that kept the connection waiting: replays what arrived meanwhile,
    /// until a request goes async again, then lets the lifecycle flush, resume reading or close.
    func resumeAfterWaiting(context: ChannelHandlerContext) {
        while self.lifecycle.isAnswering, !self.isWaiting, let part = self.queue.popFirst() {
            self.handle(part, context: context)
        }
        if !self.isWaiting, self.queue.takeMalformedRequest(), self.lifecycle.isAnswering {
            self.refuseMalformedRequest(HTTPParserError.invalidConstant, context: context)
        }
        context.perform(self.lifecycle.callFinished())
    }

    /// Writes `response`; one that ends the connection is flushed and the channel closed after it.
    func send(_ response: HTTPResponse, context: ChannelHandlerContext) {
        var response = response
        if self.lifecycle.closesAfterAnswer, self.queue.isEmpty {
            // While draining, only the last response already read says `Connection: close`.
            response.keepAlive = false
        }
        var buffer = context.channel.allocator.buffer(capacity: response.body.count + 128)
        response.write(into: &buffer)
        if response.keepAlive {
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            self.lifecycle.responseWritten()
        } else if self.lifecycle.finalResponse() {
            context.writeFinalResponse(buffer)
        }
    }
}
