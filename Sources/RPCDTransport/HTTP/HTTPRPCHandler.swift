internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import RPCDAccess

/// Serves JSON-RPC over HTTP/1.1 POST, plus the `/healthz` and `/readyz` probes and `/metrics`.
///
/// It sits right after NIO's `HTTPRequestDecoder` and writes each response as one pre-encoded
/// buffer: NIO's response encoder and pipelining handler cost more per request than the
/// JSON-RPC call itself, and this handler already knows every header it sends. Pipelined
/// requests are answered strictly in order: while an async call runs, later request parts wait
/// in `queued` and reading pauses.
final class HTTPRPCHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
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
    private let limits: TransportLimits
    private let registry: ConnectionRegistry
    private let calls: PendingCallRunner
    private let logger: Logger
    private var requestContext: RequestContext
    /// Set when POSTs need `Authorization: Bearer TOKEN` (`RPCD_AUTH_TOKEN_FILE`, TCP only).
    private var authentication: ConnectionAuthentication?
    private var state = State.idle
    private var queued: [HTTPServerRequestPart] = []
    private var needsFlush = false
    private var readHeld = false
    /// Draining or input closed: answer what has been read, then close.
    private var closing = false
    private var inputClosed = false
    /// Our side is shut; the client's remaining bytes are dropped until it closes too.
    private var lingering = false
    /// A malformed request arrived behind an async call; it is answered with 400 after it.
    private var badRequestQueued = false
    private var closed = false

    init(
        dispatcher: Dispatcher,
        limits: TransportLimits,
        registry: ConnectionRegistry,
        calls: PendingCallRunner,
        logger: Logger
    ) {
        self.dispatcher = dispatcher
        self.limits = limits
        self.registry = registry
        self.calls = calls
        self.logger = logger
        self.requestContext = RequestContext(transport: "http")
    }

    func channelActive(context: ChannelHandlerContext) {
        self.requestContext.peer = context.channel.remoteAddress?.description
        self.authentication = self.limits.authentication(for: context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        if case .waiting = self.state {
            self.queued.append(part)
            return
        }
        self.handle(part, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flushIfNeeded(context: context)
        self.closeIfFinished(context: context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.lingering {
            context.read()
        } else if case .waiting = self.state {
            self.readHeld = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            // Draining: answer every request already read (the last with `Connection: close`),
            // then close.
            self.closing = true
            self.closeIfFinished(context: context)
        case ChannelEvent.inputClosed:
            // The client will send nothing more: likewise, and a half-sent request is dropped.
            self.closing = true
            self.inputClosed = true
            if self.lingering {
                context.close(promise: nil)
            } else {
                self.closeIfFinished(context: context)
            }
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            // Idle with a half-sent request is a stalled client holding a connection slot; only
            // a call still running keeps the connection.
            if case .waiting = self.state { return }
            if !self.closed {
                self.closed = true
                context.close(promise: nil)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !self.closed else { return }
        if error is HTTPParserError, case .waiting = self.state {
            // Answer the call under way and what was queued before the bad request first.
            self.badRequestQueued = true
            return
        }
        if error is HTTPParserError {
            // Malformed or ambiguous framing (e.g. both Content-Length and Transfer-Encoding):
            // nothing after it on this connection can be trusted, so nothing after it runs.
            self.logger.notice(
                "bad HTTP request",
                metadata: ["peer": "\(self.requestContext.peer ?? "?")", "error": "\(error)"]
            )
            self.writeResponse(
                status: .badRequest,
                contentType: "text/plain; charset=utf-8",
                body: Array("bad request\n".utf8),
                keepAlive: false,
                version: .http1_1,
                context: context
            )
        } else {
            self.logger.debug("http connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        guard !self.closed else { return }
        switch part {
        case .head(let head):
            self.receivedHead(head, context: context)
        case .body(var chunk):
            // Anything but a body being collected (a refused request's included) is dropped.
            guard case .receiving(let head, var body) = self.state else { return }
            let received = (body?.readableBytes ?? 0) + chunk.readableBytes
            if received > self.limits.maxRequestBytes {
                self.state = .discarding
                self.respondTooLarge(head, context: context)
                return
            }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
            self.state = .receiving(head, body: body)
        case .end:
            switch self.state {
            case .receiving(let head, let body):
                self.dispatch(head, body: body, context: context)
            case .probe(let head, let status, let text):
                self.state = .idle
                self.respond(head, status: status, text: text, context: context)
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
        if head.method == .GET || head.method == .HEAD {
            let path = head.uri.split(separator: "?", maxSplits: 1).first ?? ""
            switch path {
            case "/healthz":
                self.state = .probe(head, .ok, "ok\n")
                return
            case "/readyz":
                let draining = self.registry.isDraining
                self.state = .probe(head, draining ? .serviceUnavailable : .ok, draining ? "draining\n" : "ready\n")
                return
            case "/metrics" where self.limits.metricsText != nil:
                if let authentication = self.authentication, !Self.presentsToken(head, to: authentication) {
                    self.state = .unauthorized(head)
                    return
                }
                if let text = self.limits.metricsText?() {
                    self.state = .probe(head, .ok, text)
                } else {
                    self.state = .probe(head, .serviceUnavailable, "no metrics yet\n")
                }
                return
            default:
                break
            }
        }
        guard head.method == .POST else {
            self.state = .discarding
            self.respond(
                head,
                status: .methodNotAllowed,
                text: "only POST is served here\n",
                allow: true,
                context: context
            )
            return
        }
        if let authentication = self.authentication, !Self.presentsToken(head, to: authentication) {
            self.state = .unauthorized(head)
            return
        }
        if let contentType = head.headers.first(name: "content-type"), !Self.isJSON(contentType) {
            self.state = .discarding
            self.respond(
                head,
                status: .unsupportedMediaType,
                text: "Content-Type must be application/json\n",
                context: context
            )
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length > self.limits.maxRequestBytes
        {
            // Refused before reading the body; closing spares the client sending it all.
            self.state = .discarding
            self.respondTooLarge(head, context: context)
            return
        }
        self.state = .receiving(head, body: nil)
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        let outcome: DispatchOutcome
        if let body, body.readableBytesView.contains(where: { !Self.isWhitespace($0) }) {
            outcome = body.withUnsafeReadableBytes { self.dispatcher.dispatch($0, context: self.requestContext) }
        } else {
            // A body must hold a JSON text; only NDJSON has blank lines to skip.
            outcome = .reply(Dispatcher.errorResponse(.parseError("empty request body")))
        }
        switch outcome {
        case .noReply:
            self.state = .idle
            self.respond(head, json: nil, context: context)
        case .reply(let response):
            self.state = .idle
            self.respond(head, json: response, context: context)
        case .pending(let work):
            self.state = .waiting
            let eventLoop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
            self.calls.submit {
                let response = await work()
                eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.pendingCallCompleted(head, response: response, context: context)
                }
            }
        }
    }

    private func pendingCallCompleted(_ head: HTTPRequestHead, response: [UInt8]?, context: ChannelHandlerContext) {
        guard !self.closed else { return }
        self.state = .idle
        self.respond(head, json: response, context: context)
        self.resumeAfterWaiting(context: context)
    }

    /// Whether the request carries `Authorization: Bearer TOKEN` with the right token.
    private static func presentsToken(_ head: HTTPRequestHead, to authentication: ConnectionAuthentication) -> Bool {
        guard let value = head.headers.first(name: "authorization") else {
            return false
        }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return false
        }
        return authentication.attempt(String(parts[1]))
    }

    /// Answers 401 after a delay (which slows down guessing) and logs the attempt; requests
    /// pipelined behind it wait, as behind an async call.
    private func refuseUnauthorized(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.state = .waiting
        self.logger.warning(
            "authentication failed",
            metadata: [
                "peer": "\(self.requestContext.peer ?? "?")", "transport": "http",
                "reason": "\(head.headers.contains(name: "authorization") ? "wrong token" : "no bearer token")",
            ]
        )
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: TimeAmount(ConnectionAuthentication.failureDelay)) {
            let (handler, context) = bound.value
            guard !handler.closed else { return }
            handler.state = .idle
            handler.writeResponse(
                status: .unauthorized,
                contentType: "application/json",
                body: Dispatcher.errorResponse(.unauthorized),
                keepAlive: head.isKeepAlive,
                version: head.version,
                bearerChallenge: true,
                context: context
            )
            handler.resumeAfterWaiting(context: context)
        }
    }

    /// After a response that kept the connection waiting: replays what arrived meanwhile.
    private func resumeAfterWaiting(context: ChannelHandlerContext) {
        // Replay what arrived meanwhile, until a request goes async again.
        while !self.queued.isEmpty, !self.closed {
            if case .waiting = self.state { break }
            self.handle(self.queued.removeFirst(), context: context)
        }
        self.flushIfNeeded(context: context)
        if case .waiting = self.state { return }
        if self.badRequestQueued {
            self.badRequestQueued = false
            self.errorCaught(context: context, error: HTTPParserError.invalidConstant)
            return
        }
        self.closeIfFinished(context: context)
        if self.readHeld, !self.closed {
            self.readHeld = false
            context.read()
        }
    }

    private func respondTooLarge(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.writeResponse(
            status: .payloadTooLarge,
            contentType: "application/json",
            body: Dispatcher.errorResponse(.requestTooLarge),
            keepAlive: false,
            version: head.version,
            context: context
        )
    }

    private func respond(_ request: HTTPRequestHead, json: [UInt8]?, context: ChannelHandlerContext) {
        self.writeResponse(
            status: json == nil ? .noContent : .ok,
            contentType: json == nil ? nil : "application/json",
            body: json ?? [],
            keepAlive: request.isKeepAlive,
            version: request.version,
            context: context
        )
    }

    private func respond(
        _ request: HTTPRequestHead,
        status: HTTPResponseStatus,
        text: String,
        allow: Bool = false,
        context: ChannelHandlerContext
    ) {
        self.writeResponse(
            status: status,
            contentType: "text/plain; charset=utf-8",
            body: Array(text.utf8),
            keepAlive: request.isKeepAlive,
            version: request.version,
            allow: allow,
            headOnly: request.method == .HEAD,
            context: context
        )
    }

    private func writeResponse(
        status: HTTPResponseStatus,
        contentType: String?,
        body: [UInt8],
        keepAlive requested: Bool,
        version: HTTPVersion,
        allow: Bool = false,
        headOnly: Bool = false,
        bearerChallenge: Bool = false,
        context: ChannelHandlerContext
    ) {
        // While closing, only the last response already read says `Connection: close`.
        let keepAlive = requested && !(self.closing && self.queued.isEmpty)
        var buffer = context.channel.allocator.buffer(capacity: body.count + 128)
        if keepAlive, status == .ok, version.minor == 1, !allow, !headOnly, contentType == "application/json" {
            // The answer to nearly every request, from one constant prefix.
            buffer.writeStaticString("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ")
            buffer.writeString(String(body.count))
            buffer.writeStaticString("\r\n\r\n")
            buffer.writeBytes(body)
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            self.needsFlush = true
            return
        }
        buffer.writeString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeString("\r\n")
        if let contentType {
            buffer.writeString("content-type: ")
            buffer.writeString(contentType)
            buffer.writeString("\r\n")
        }
        if status != .noContent {
            buffer.writeString("content-length: ")
            buffer.writeString(String(body.count))
            buffer.writeString("\r\n")
        }
        if allow {
            buffer.writeString("allow: POST\r\n")
        }
        if bearerChallenge {
            buffer.writeString("www-authenticate: Bearer realm=\"rpcd\"\r\n")
        }
        if !keepAlive {
            buffer.writeString("connection: close\r\n")
        } else if version.minor == 0 {
            buffer.writeString("connection: keep-alive\r\n")
        }
        buffer.writeString("\r\n")
        if !headOnly {
            // A HEAD answer carries the GET answer's headers, Content-Length included, but no body.
            buffer.writeBytes(body)
        }
        if keepAlive {
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            self.needsFlush = true
        } else {
            self.closed = true
            self.needsFlush = false
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(Self.wrapOutboundOut(buffer)).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
    }

    /// While closing: closes once every request read so far has been answered.
    private func closeIfFinished(context: ChannelHandlerContext) {
        guard self.closing, !self.closed, self.queued.isEmpty else { return }
        switch self.state {
        case .waiting:
            return
        case .receiving, .discarding, .probe, .unauthorized:
            // Mid-request: wait for the rest, unless the client can no longer send it.
            guard self.inputClosed else { return }
        case .idle:
            break
        }
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

    /// `application/json` (with or without parameters such as `charset`), its JSON-RPC aliases,
    /// and curl's default for `-d`, `application/x-www-form-urlencoded`, so that
    /// `curl URL -d '{...}'` works as the quick start shows.
    private static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" {
            return true
        }
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        while let first = mediaType.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            mediaType = mediaType.dropFirst()
        }
        while let last = mediaType.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            mediaType = mediaType.dropLast()
        }
        let accepted = [
            "application/json", "application/json-rpc", "application/jsonrequest", "application/x-www-form-urlencoded",
        ]
        return accepted.contains { candidate in
            candidate.utf8.elementsEqual(mediaType.lazy.map(Self.lowercased))
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
