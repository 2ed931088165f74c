/// Reads JSON-RPC 2.0 messages, runs the registered methods and serializes the responses.
///
/// Synchronous handlers run inline, on the caller's thread, while the message is being dispatched; if any call
/// in a message has an async handler, the outcome is ``DispatchOutcome/pending(_:)`` and awaiting it runs those
/// handlers, each under ``DispatchLimits/requestTimeout``. Batch responses list the answers in request order.
///
/// `rpc.discover` is answered automatically with an OpenRPC 1.2 document of every registered method (unless the
/// registry registers its own).
public final class Dispatcher: Sendable {
    private let handlers: [String: MethodHandler]
    private let limits: DispatchLimits

    /// Calls answered and errors, for the daemon's statistics.
    public let counters = DispatchCounters()

    /// Per-method calls, errors and latency of the registered methods.
    public let statistics = MethodStatistics()

    /// The OpenRPC document `rpc.discover` returns.
    public let discoveryDocument: JSONValue

    /// Creates a dispatcher serving the methods of `registry`.
    ///
    /// - Parameters:
    ///   - registry: The methods; later changes to the registry value do not affect the dispatcher.
    ///   - limits: Batch, depth and timeout limits.
    ///   - serverInfo: The `info` of the `rpc.discover` document.
    public init(registry: MethodRegistry, limits: DispatchLimits = .init(), serverInfo: ServerInfo = .init()) {
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
        if providesDiscover {
            handlers["rpc.discover"] = .sync { params, _ in
                guard params.isEmpty else { throw JSONRPCError.invalidParams("rpc.discover takes no params") }
                return document
            }
        }
        self.handlers = handlers
        self.limits = limits
        self.discoveryDocument = document
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
            return .reply(Self.errorResponse(.parseError("empty message")))
        }
        var scanner = JSONScanner(message, maxDepth: limits.maxDepth)
        scanner.skipWhitespace()
        guard !scanner.atEnd else { return .noReply }
        do throws(JSONParseError) {
            if scanner.byte(scanner.index) == UInt8(ascii: "[") {
                let calls = try readBatch(&scanner)
                guard !calls.isEmpty else {
                    self.counters.recordError()
                    return .reply(Self.errorResponse(.invalidRequest("empty batch")))
                }
                return executeBatch(calls, message: message, context: context)
            }
            let call = try scanner.scanCall(depth: 1)
            try Self.expectEnd(&scanner)
            return execute(call, message: message, context: context)
        } catch {
            self.counters.recordError()
            return .reply(Self.errorResponse(classify(error, message: message)))
        }
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

    // MARK: Reading

    private static func expectEnd(_ scanner: inout JSONScanner) throws(JSONParseError) {
        scanner.skipWhitespace()
        guard scanner.atEnd else {
            throw scanner.failure(.trailingData, "unexpected data after the JSON value", at: scanner.index)
        }
    }

    /// Reads a whole batch (`index` is at `[`); an empty array gives no calls.
    private func readBatch(_ scanner: inout JSONScanner) throws(JSONParseError) -> [ParsedCall] {
        guard scanner.maxDepth >= 1 else { throw scanner.depthExceeded(at: scanner.index) }
        scanner.index += 1
        scanner.skipWhitespace()
        var calls: [ParsedCall] = []
        if !scanner.atEnd && scanner.byte(scanner.index) == UInt8(ascii: "]") {
            scanner.index += 1
            try Self.expectEnd(&scanner)
            return calls
        }
        while true {
            guard calls.count < limits.maxBatch else {
                throw scanner.failure(.batchLimitExceeded, "batch too large", at: scanner.index)
            }
            calls.append(try scanner.scanCall(depth: 2))
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw scanner.unexpected(at: scanner.index, expecting: "',' or ']'") }
            let next = scanner.byte(scanner.index)
            scanner.index += 1
            if next == UInt8(ascii: ",") {
                scanner.skipWhitespace()
            } else if next == UInt8(ascii: "]") {
                try Self.expectEnd(&scanner)
                return calls
            } else {
                throw scanner.unexpected(at: scanner.index - 1, expecting: "',' or ']'")
            }
        }
    }

    /// Turns a failure to read the message into the single error that answers it.
    private func classify(_ error: JSONParseError, message: UnsafeRawBufferPointer) -> JSONRPCError {
        switch error.code {
        case .depthLimitExceeded:
            // DESIGN §9: too deep is detected while scanning and answered as soon as it is seen,
            // whatever follows; nothing past that point is read.
            return .invalidRequest("nesting deeper than the maximum depth of \(limits.maxDepth)")
        case .batchLimitExceeded:
            // Reading stopped at the batch limit; a syntax error further on still makes the message a parse error.
            var validator = JSONScanner(message, maxDepth: limits.maxDepth)
            let validation = validator.validateDocument()
            if let syntaxError = validation.syntaxError {
                return .parseError(syntaxError.description)
            }
            if error.code == .batchLimitExceeded && !validation.exceedsDepth {
                return JSONRPCError(
                    code: JSONRPCErrorCode.invalidRequest,
                    message: "Invalid Request: batch larger than the limit of \(limits.maxBatch) requests",
                    data: .string("a batch may hold at most \(limits.maxBatch) requests")
                )
            }
            return .invalidRequest("nesting deeper than the maximum depth of \(limits.maxDepth)")
        default:
            return .parseError(error.description)
        }
    }

    // MARK: Execution

    private static func rpcError(from error: any Error) -> JSONRPCError {
        // Only JSON-RPC errors reach the client; anything else could reveal internals.
        (error as? JSONRPCError) ?? .internalError
    }

    /// Answers one call.
    private func execute(
        _ call: ParsedCall,
        message: UnsafeRawBufferPointer,
        context: RequestContext
    )
        -> DispatchOutcome
    {
        if let error = call.error {
            self.counters.recordError()
            return .reply(Self.response(.failure(error), id: call.id, message: message))
        }
        guard let handler = self.handler(for: call.method, context: context) else {
            self.counters.recordError()
            if call.isNotification { return .noReply }
            return .reply(Self.response(.failure(.methodNotFound(call.method)), id: call.id, message: message))
        }
        switch handler {
        case .sync(let body):
            let started = ContinuousClock.now
            let outcome: Result<JSONValue, JSONRPCError>
            do {
                outcome = .success(try body(call.params, context))
            } catch {
                outcome = .failure(Self.rpcError(from: error))
            }
            self.counters.record(outcome)
            self.statistics.record(call.method, failed: outcome.isFailure, since: started)
            if call.isNotification { return .noReply }
            return .reply(Self.response(outcome, id: call.id, message: message))
        case .async(let body):
            let id = Self.ownedID(call.id, message: message)
            let params = call.params
            let timeout = limits.requestTimeout
            let counters = self.counters
            let statistics = self.statistics
            let method = call.method
            return .pending {
                let started = ContinuousClock.now
                let outcome = await Self.run(body, params: params, context: context, timeout: timeout)
                counters.record(outcome)
                statistics.record(method, failed: outcome.isFailure, since: started)
                guard let id else { return nil }
                return id.withUnsafeBytes { id in
                    var writer = JSONWriter()
                    writer.writeResponse(outcome, id: id)
                    return writer.bytes
                }
            }
        }
    }

    /// The handler for `method`, or one answering -32001 while the connection has yet to authenticate.
    private func handler(for method: String, context: RequestContext) -> MethodHandler? {
        if let authentication = context.authentication, method != ConnectionAuthentication.methodName,
            !authentication.isAuthenticated
        {
            return Self.authenticationRequired
        }
        return self.handlers[method]
    }

    private static let authenticationRequired = MethodHandler.sync { _, _ in
        throw JSONRPCError(
            code: JSONRPCErrorCode.unauthorized,
            message: "Unauthorized",
            data: .string("call \(ConnectionAuthentication.methodName) with the token first")
        )
    }

    private static func response(
        _ outcome: Result<JSONValue, JSONRPCError>,
        id: ParsedCall.ID,
        message: UnsafeRawBufferPointer
    ) -> [UInt8] {
        var writer = JSONWriter()
        JSONWriter.withIDBytes(id, in: message) { writer.writeResponse(outcome, id: $0) }
        return writer.bytes
    }

    /// A copy of the id's bytes that outlives the message, or `nil` for a notification.
    private static func ownedID(_ id: ParsedCall.ID, message: UnsafeRawBufferPointer) -> [UInt8]? {
        if case .absent = id { return nil }
        return JSONWriter.withIDBytes(id, in: message) { Array($0) }
    }

    /// An async call of a batch, waiting to run.
    private struct AsyncCall: Sendable {
        var slot: Int
        var method: String
        var body: @Sendable (Params, RequestContext) async throws -> JSONValue
        var params: Params
        var id: [UInt8]?
    }

    /// Answers a batch: sync calls now, async calls when the pending closure is awaited.
    private func executeBatch(
        _ calls: [ParsedCall],
        message: UnsafeRawBufferPointer,
        context: RequestContext
    )
        -> DispatchOutcome
    {
        var resolved: [MethodHandler?] = []
        resolved.reserveCapacity(calls.count)
        var hasAsync = false
        for call in calls {
            let handler = call.error == nil ? self.handler(for: call.method, context: context) : nil
            if case .async = handler { hasAsync = true }
            resolved.append(handler)
        }

        // All-sync batches (the common case) are written straight into one buffer.
        var writer = JSONWriter(capacity: hasAsync ? 0 : 64 * calls.count + 2)
        var wroteAny = false
        // With async calls, responses are kept per slot so that the async ones can be put in place later.
        var responses: [[UInt8]?] = []
        var asyncCalls: [AsyncCall] = []
        if hasAsync {
            responses.reserveCapacity(calls.count)
        } else {
            writer.bytes.append(UInt8(ascii: "["))
        }

        for (slot, call) in calls.enumerated() {
            let outcome: Result<JSONValue, JSONRPCError>
            if let error = call.error {
                outcome = .failure(error)
            } else {
                switch resolved[slot] {
                case .sync(let body):
                    let started = ContinuousClock.now
                    do {
                        outcome = .success(try body(call.params, context))
                    } catch {
                        outcome = .failure(Self.rpcError(from: error))
                    }
                    self.statistics.record(call.method, failed: outcome.isFailure, since: started)
                case .async(let body):
                    asyncCalls.append(
                        AsyncCall(
                            slot: slot,
                            method: call.method,
                            body: body,
                            params: call.params,
                            id: Self.ownedID(call.id, message: message)
                        )
                    )
                    responses.append(nil)
                    continue
                case nil:
                    outcome = .failure(.methodNotFound(call.method))
                }
            }
            self.counters.record(outcome)
            // Invalid requests are answered even without an id; valid notifications never are.
            if call.error == nil && call.isNotification {
                if hasAsync { responses.append(nil) }
                continue
            }
            if hasAsync {
                responses.append(Self.response(outcome, id: call.id, message: message))
            } else {
                if wroteAny { writer.bytes.append(UInt8(ascii: ",")) }
                wroteAny = true
                JSONWriter.withIDBytes(call.id, in: message) { writer.writeResponse(outcome, id: $0) }
            }
        }

        guard hasAsync else {
            guard wroteAny else { return .noReply }
            writer.bytes.append(UInt8(ascii: "]"))
            return .reply(writer.bytes)
        }
        let counters = self.counters
        let statistics = self.statistics
        let timeout = limits.requestTimeout
        return .pending { [responses, asyncCalls] in
            var responses = responses
            await withTaskGroup(of: (Int, [UInt8]?).self) { group in
                for call in asyncCalls {
                    group.addTask {
                        let started = ContinuousClock.now
                        let outcome = await Self.run(call.body, params: call.params, context: context, timeout: timeout)
                        counters.record(outcome)
                        statistics.record(call.method, failed: outcome.isFailure, since: started)
                        guard let id = call.id else { return (call.slot, nil) }
                        return id.withUnsafeBytes { id in
                            var writer = JSONWriter()
                            writer.writeResponse(outcome, id: id)
                            return (call.slot, writer.bytes)
                        }
                    }
                }
                for await (slot, response) in group {
                    responses[slot] = response
                }
            }
            var output: [UInt8] = [UInt8(ascii: "[")]
            var wroteAny = false
            for response in responses {
                guard let response else { continue }
                if wroteAny { output.append(UInt8(ascii: ",")) }
                wroteAny = true
                output.append(contentsOf: response)
            }
            guard wroteAny else { return nil }
            output.append(UInt8(ascii: "]"))
            return output
        }
    }

    /// Runs an async handler, answering -32002 (and cancelling it) if it outlasts `timeout`.
    static func run(
        _ body: @escaping @Sendable (Params, RequestContext) async throws -> JSONValue,
        params: Params,
        context: RequestContext,
        timeout: Duration?
    ) async -> Result<JSONValue, JSONRPCError> {
        guard let timeout else {
            do {
                return .success(try await body(params, context))
            } catch {
                return .failure(rpcError(from: error))
            }
        }
        return await withTaskGroup(of: Result<JSONValue, JSONRPCError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await body(params, context))
                } catch {
                    return .failure(rpcError(from: error))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return nil  // cancelled because the handler finished first
                }
                return .failure(.requestTimeout)
            }
            // The first finisher decides; cancelling the rest makes the group wait for the handler to unwind.
            while let next = await group.next() {
                if let outcome = next {
                    group.cancelAll()
                    return outcome
                }
            }
            return .failure(.internalError)
        }
    }
}

extension Result {
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
