/// Reads JSON-RPC 2.0 messages, runs the registered methods and serializes the responses.
///
/// Synchronous handlers run inline, on the caller's thread, while the message is being dispatched; if any call
/// in a message has an async handler, the outcome is ``DispatchOutcome/pending(_:)`` and awaiting it runs those
/// handlers, each under ``DispatchLimits/requestTimeout``. Batch responses list the answers in request order.
///
/// `rpc.discover` is answered automatically with an OpenRPC 1.2 document of every registered method (unless the
/// registry registers its own).
///
/// The work is split by idea: reading a message and its batch (`+Reading`), answering one call (`+Execution`),
/// a batch (`+Batch`), and the deadline of an async call (`+Deadline`).
public final class Dispatcher: Sendable {
    /// The handlers by method name, `rpc.discover` included.
    let handlers: [String: MethodHandler]
    /// Asked for names `handlers` does not hold.
    let router: (any MethodRouter)?
    /// Batch, depth and timeout limits.
    let limits: DispatchLimits

    /// Calls answered and errors, for the daemon's statistics.
    public let counters = DispatchCounters()

    /// Per-method calls, errors and latency of the registered methods.
    public let statistics = MethodStatistics()

    /// The OpenRPC document `rpc.discover` returns.
    public let discoveryDocument: JSONValue

    /// Told of every answered call (the access log); nil: nothing is measured for it.
    let observer: (any CallObserver)?

    /// Creates a dispatcher serving the methods of `registry`.
    ///
    /// - Parameters:
    ///   - registry: The methods; later changes to the registry value do not affect the dispatcher.
    ///   - limits: Batch, depth and timeout limits.
    ///   - serverInfo: The `info` of the `rpc.discover` document.
    ///   - observer: Told of every answered call, e.g. an access log.
    public init(
        registry: MethodRegistry,
        limits: DispatchLimits = .init(),
        serverInfo: ServerInfo = .init(),
        observer: (any CallObserver)? = nil
    ) {
        var methods = registry.methods
        let providesDiscover = !registry.contains("rpc.discover")
        if providesDiscover {
            // Listed before its handler exists, so that the document describes rpc.discover too.
            methods.append(
                RegisteredMethod(
                    name: "rpc.discover",
                    description: OpenRPCDocument.discoverDescription,
                    handler: .sync { _, _ in .null }
                )
            )
        }
        let document = OpenRPCDocument.build(methods: methods, info: serverInfo)
        var handlers: [String: MethodHandler] = [:]
        handlers.reserveCapacity(methods.count)
        for method in methods {
            handlers[method.name] = method.handler
        }
        let router = registry.router
        if providesDiscover {
            handlers["rpc.discover"] = .sync { params, context in
                guard params.isEmpty else { throw JSONRPCError.invalidParams("rpc.discover takes no params") }
                let full = router.map { OpenRPCDocument.appending($0.discoveredMethods, to: document) } ?? document
                // A caller under a policy sees only the methods it may call.
                guard let admission = context.admission else { return full }
                return OpenRPCDocument.filtering(full) { admission.refusal(of: $0) == nil }
            }
        }
        self.handlers = handlers
        self.router = router
        self.limits = limits
        self.discoveryDocument = document
        self.observer = observer
    }

    // MARK: Dispatch

    /// Parses and executes one message: a single request or a batch.
    ///
    /// The whole message is read before anything runs (a parse error anywhere answers only -32700), and reading
    /// finishes before this returns, so `message` only needs to be valid during the call. A zero-length message
    /// is a parse error; a message of only whitespace gets no reply.
    ///
    /// - Parameters:
    ///   - message: The bytes of one message, without framing.
    ///   - context: Passed to every handler.
    /// - Returns: What to send back, or a closure to await for it when async handlers are involved.
    public func dispatch(_ message: UnsafeRawBufferPointer, context: RequestContext) -> DispatchOutcome {
        guard !message.isEmpty else {
            self.counters.recordError()
            return self.unreadable(.parseError("empty message"), message: message, context: context)
        }
        var scanner = JSONScanner(message, maxDepth: limits.maxDepth)
        scanner.skipWhitespace()
        guard !scanner.atEnd else { return .noReply }
        do throws(JSONParseError) {
            if scanner.byte(scanner.index) == UInt8(ascii: "[") {
                let calls = try readBatch(&scanner)
                guard !calls.isEmpty else {
                    self.counters.recordError()
                    return self.unreadable(.invalidRequest("empty batch"), message: message, context: context)
                }
                return executeBatch(calls, message: message, context: context)
            }
            let call = try scanner.scanCall(depth: 1)
            try Self.expectEnd(&scanner)
            return execute(call, message: message, context: context)
        } catch {
            self.counters.recordError()
            return self.unreadable(classify(error, message: message), message: message, context: context)
        }
    }

    /// Answers a message that holds no call to run (unparseable, an empty batch), telling the observer.
    private func unreadable(
        _ error: JSONRPCError,
        message: UnsafeRawBufferPointer,
        context: RequestContext
    ) -> DispatchOutcome {
        let response = Self.errorResponse(error)
        self.observer?.callCompleted(
            ObservedCall(
                method: "",
                errorCode: error.code,
                duration: .zero,
                requestBytes: message.count,
                responseBytes: response.count
            ),
            context: context
        )
        return .reply(response)
    }

    /// Parses and executes one message held in an array; see the `UnsafeRawBufferPointer` variant.
    public func dispatch(_ message: [UInt8], context: RequestContext) -> DispatchOutcome {
        message.withUnsafeBytes { dispatch($0, context: context) }
    }

    /// Serializes an error response with `"id": null`, e.g. -32005 for a message over the size limit.
    public static func errorResponse(_ error: JSONRPCError) -> [UInt8] {
        var writer = JSONWriter(capacity: 96)
        writer.writeResponse(
            error: error,
            id: UnsafeRawBufferPointer(start: JSONWriter.nullID.utf8Start, count: JSONWriter.nullID.utf8CodeUnitCount)
        )
        return writer.bytes
    }

    /// The handler for `method`, or one answering the refusal of the context's ``CallAdmission`` (e.g. -32001
    /// while the connection has yet to authenticate).
    func handler(for method: String, context: RequestContext) -> MethodHandler? {
        if let admission = context.admission, let refusal = admission.refusal(of: method) {
            // Only refused calls get here; the closure lets them be counted like any failed call of `method`.
            return .sync { _, _ in throw refusal }
        }
        if let handler = self.handlers[method] { return handler }
        return self.router?.route(method).map(MethodHandler.routed)
    }
}
