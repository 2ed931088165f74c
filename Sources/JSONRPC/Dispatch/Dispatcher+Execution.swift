extension Dispatcher {
    /// The wire error for what a handler threw.
    static func rpcError(from error: any Error) -> JSONRPCError {
        // Only JSON-RPC errors reach the client; anything else could reveal internals.
        (error as? JSONRPCError) ?? .internalError
    }

    /// Answers one call.
    func execute(
        _ call: ParsedCall,
        message: UnsafeRawBufferPointer,
        context: RequestContext
    )
        -> DispatchOutcome
    {
        if let error = call.error {
            self.counters.recordError()
            let response = Self.response(.failure(error), id: call.id, message: message)
            self.observe(call.method, .failure(error), since: nil, message.count, response.count, context)
            return .reply(response)
        }
        guard let handler = self.handler(for: call.method, context: context) else {
            self.counters.recordError()
            let outcome = Result<JSONValue, JSONRPCError>.failure(.methodNotFound(call.method))
            let response = call.isNotification ? nil : Self.response(outcome, id: call.id, message: message)
            self.observe(call.method, outcome, since: nil, message.count, response?.count ?? 0, context)
            return response.map(DispatchOutcome.reply) ?? .noReply
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
            let response = call.isNotification ? nil : Self.response(outcome, id: call.id, message: message)
            self.observe(call.method, outcome, since: started, message.count, response?.count ?? 0, context)
            return response.map(DispatchOutcome.reply) ?? .noReply
        case .routed(let body):
            return self.deferred(call, body, message: message, context: context)
        case .async(let body):
            let id = Self.ownedID(call.id, message: message)
            let params = call.params
            let timeout = limits.requestTimeout
            let counters = self.counters
            let statistics = self.statistics
            let method = call.method
            let (observer, requestBytes) = (self.observer, message.count)
            var callContext = context
            callContext.requestID = id.map { String(decoding: $0, as: UTF8.self) }
            let context = callContext
            return .pending {
                let started = ContinuousClock.now
                let outcome = await Self.run(body, params: params, context: context, timeout: timeout)
                counters.record(outcome)
                statistics.record(method, failed: outcome.isFailure, since: started)
                let response = id.map { Self.response(outcome, ownedID: $0) }
                observer?.callCompleted(
                    ObservedCall(
                        method,
                        outcome,
                        since: started,
                        requestBytes: requestBytes,
                        responseBytes: response?.count ?? 0
                    ),
                    context: context
                )
                return response
            }
        }
    }

    /// A routed call: no task, no timer; the router's handler answers through its completion.
    private func deferred(
        _ call: ParsedCall,
        _ body: @escaping RoutedMethodHandler,
        message: UnsafeRawBufferPointer,
        context: RequestContext
    ) -> DispatchOutcome {
        let id = Self.ownedID(call.id, message: message)
        let params = call.params
        let (counters, statistics, method) = (self.counters, self.statistics, call.method)
        let (observer, requestBytes) = (self.observer, message.count)
        var callContext = context
        callContext.requestID = id.map { String(decoding: $0, as: UTF8.self) }
        let context = callContext
        return .deferred { complete in
            let started = ContinuousClock.now
            body(params, context) { outcome in
                counters.record(outcome)
                statistics.record(method, failed: outcome.isFailure, since: started)
                let response = id.map { Self.response(outcome, ownedID: $0) }
                observer?.callCompleted(
                    ObservedCall(
                        method,
                        outcome,
                        since: started,
                        requestBytes: requestBytes,
                        responseBytes: response?.count ?? 0
                    ),
                    context: context
                )
                complete(response)
            }
        }
    }

    /// Serializes the answer to one call, echoing its id from `message`.
    static func response(
        _ outcome: Result<JSONValue, JSONRPCError>,
        id: ParsedCall.ID,
        message: UnsafeRawBufferPointer
    ) -> [UInt8] {
        var writer = JSONWriter()
        JSONWriter.withIDBytes(id, in: message) { writer.writeResponse(outcome, id: $0) }
        return writer.bytes
    }

    /// Serializes the answer to one call whose id bytes were copied out of the message.
    static func response(_ outcome: Result<JSONValue, JSONRPCError>, ownedID: [UInt8]) -> [UInt8] {
        ownedID.withUnsafeBytes { id in
            var writer = JSONWriter()
            writer.writeResponse(outcome, id: id)
            return writer.bytes
        }
    }

    /// Tells the observer, if there is one, of a call answered on the dispatching thread.
    @inline(__always)
    func observe(
        _ method: String,
        _ outcome: Result<JSONValue, JSONRPCError>,
        since started: ContinuousClock.Instant?,
        _ requestBytes: Int,
        _ responseBytes: Int,
        _ context: RequestContext
    ) {
        guard let observer = self.observer else { return }
        observer.callCompleted(
            ObservedCall(method, outcome, since: started, requestBytes: requestBytes, responseBytes: responseBytes),
            context: context
        )
    }

    /// A copy of the id's bytes that outlives the message, or `nil` for a notification.
    static func ownedID(_ id: ParsedCall.ID, message: UnsafeRawBufferPointer) -> [UInt8]? {
        if case .absent = id { return nil }
        return JSONWriter.withIDBytes(id, in: message) { Array($0) }
    }
}
