internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// Serves JSON-RPC over HTTP/1.1 POST, plus the `/healthz` and `/readyz` probes.
///
/// NIO's `HTTPServerPipelineHandler` sits in front: it holds pipelined requests until the
/// previous response has ended and adds `Connection: close` while the server drains, so this
/// handler sees one request at a time.
final class HTTPRPCHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Collecting a POST body.
        case receiving(HTTPRequestHead, body: ByteBuffer?)
        /// A response was already decided from the head; the body is read and dropped.
        case discarding
        /// A probe whose answer is written when the request ends.
        case probe(HTTPRequestHead, HTTPResponseStatus, String)
        /// The call runs; its response will be written when it completes.
        case waiting
    }

    private let dispatcher: Dispatcher
    private let limits: TransportLimits
    private let registry: ConnectionRegistry
    private let calls: PendingCallRunner
    private let logger: Logger
    private var requestContext: RequestContext
    private var state = State.idle
    private var closed = false
    private var inputClosed = false

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
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.receivedHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body) = self.state else { return }
            let received = (body?.readableBytes ?? 0) + chunk.readableBytes
            if received > self.limits.maxRequestBytes {
                self.state = .discarding
                self.respond(head, status: .payloadTooLarge, json: self.tooLargeBody(), close: true, context: context)
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
                self.state = .waiting
                self.dispatch(head, body: body, context: context)
            case .probe(let head, let status, let text):
                self.state = .idle
                self.respond(head, status: status, text: text, context: context)
            case .discarding:
                self.state = .idle
            case .idle, .waiting:
                break
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            if case .idle = self.state {
                context.close(promise: nil)
            }
        case ChannelEvent.inputClosed:
            // The client will send nothing more: answer the request under way, then close.
            self.inputClosed = true
            if case .idle = self.state {
                context.close(promise: nil)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("http connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        if head.method == .GET || head.method == .HEAD {
            switch path {
            case "/healthz":
                self.state = .probe(head, .ok, "ok\n")
                return
            case "/readyz":
                let draining = self.registry.isDraining
                self.state = .probe(head, draining ? .serviceUnavailable : .ok, draining ? "draining\n" : "ready\n")
                return
            default:
                break
            }
        }
        guard head.method == .POST else {
            self.state = .discarding
            var headers = HTTPHeaders()
            headers.add(name: "allow", value: "POST")
            self.respond(head, status: .methodNotAllowed, text: "only POST is served here\n", extraHeaders: headers, context: context)
            return
        }
        if let contentType = head.headers.first(name: "content-type"), !Self.isJSON(contentType) {
            self.state = .discarding
            self.respond(head, status: .unsupportedMediaType, text: "Content-Type must be application/json\n", context: context)
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > self.limits.maxRequestBytes {
            // Refused before reading the body; closing stops the client from sending it all.
            self.state = .discarding
            self.respond(head, status: .payloadTooLarge, json: self.tooLargeBody(), close: true, context: context)
            return
        }
        self.state = .receiving(head, body: nil)
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        let outcome: DispatchOutcome
        if let body, body.readableBytes > 0 {
            outcome = body.withUnsafeReadableBytes { self.dispatcher.dispatch($0, context: self.requestContext) }
        } else {
            outcome = .reply(Dispatcher.errorResponse(.parseError("empty request body")))
        }
        switch outcome {
        case .noReply:
            self.state = .idle
            self.respond(head, status: .noContent, json: nil, context: context)
        case .reply(let response):
            self.state = .idle
            self.respond(head, status: .ok, json: response, context: context)
        case .pending(let work):
            let eventLoop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
            self.calls.submit {
                let response = await work()
                eventLoop.execute {
                    let (handler, context) = bound.value
                    guard !handler.closed else { return }
                    handler.state = .idle
                    handler.respond(head, status: response == nil ? .noContent : .ok, json: response, context: context)
                }
            }
        }
    }

    private func tooLargeBody() -> [UInt8] {
        Dispatcher.errorResponse(.requestTooLarge)
    }

    private func respond(
        _ request: HTTPRequestHead,
        status: HTTPResponseStatus,
        text: String,
        extraHeaders: HTTPHeaders = HTTPHeaders(),
        context: ChannelHandlerContext
    ) {
        var headers = extraHeaders
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        self.respond(request, status: status, headers: headers, body: buffer, close: false, context: context)
    }

    private func respond(
        _ request: HTTPRequestHead,
        status: HTTPResponseStatus,
        json: [UInt8]?,
        close: Bool = false,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        var body: ByteBuffer? = nil
        if let json {
            headers.add(name: "content-type", value: "application/json")
            body = context.channel.allocator.buffer(bytes: json)
        }
        self.respond(request, status: status, headers: headers, body: body, close: close, context: context)
    }

    private func respond(
        _ request: HTTPRequestHead,
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        close: Bool,
        context: ChannelHandlerContext
    ) {
        var headers = headers
        let keepAlive = request.isKeepAlive && !close && !self.inputClosed
        if status != .noContent {
            headers.add(name: "content-length", value: String(body?.readableBytes ?? 0))
        }
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        } else if request.version.major == 1, request.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        if let body, request.method != .HEAD {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let done = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            self.closed = true
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    /// `application/json` (with or without parameters such as `charset`), its JSON-RPC aliases,
    /// and curl's default for `-d`, `application/x-www-form-urlencoded`, so that
    /// `curl URL -d '{...}'` works as the quick start shows.
    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        switch String(mediaType).trimmingCharacters(in: " \t").lowercased() {
        case "application/json", "application/json-rpc", "application/jsonrequest", "application/x-www-form-urlencoded":
            return true
        default:
            return false
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
