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
            let completion = self.completion(of: call, message: message, context: context)
            let (params, timeout) = (call.params, limits.requestTimeout)
            return .pending {
                let started = ContinuousClock.now
                let outcome = await Self.run(body, params: params, context: completion.context, timeout: timeout)
                return completion.finish(outcome, since: started)
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
        let completion = self.completion(of: call, message: message, context: context)
        let params = call.params
        return .deferred { complete in
            let started = ContinuousClock.now
            body(params, completion.context) { outcome in
                complete(completion.finish(outcome, since: started))
            }
        }
    }

    /// What an async or routed call needs once it has run, taken out of the message before the
    /// message goes.
    private func completion(
        of call: ParsedCall,
        message: UnsafeRawBufferPointer,
        context: RequestContext
    ) -> LaterCompletion {
        let id = Self.ownedID(call.id, message: message)
        var context = context
        context.requestID = id.map { String(decoding: $0, as: UTF8.self) }
        return LaterCompletion(
            id: id,
            method: call.method,
            requestBytes: message.count,
            context: context,
            counters: self.counters,
            statistics: self.statistics,
            observer: self.observer
        )
    }

    /// The end of a call answered after `dispatch` returned: counted, recorded, serialized, observed.
    struct LaterCompletion: Sendable {
        let id: [UInt8]?
        let method: String
        let requestBytes: Int
        let context: RequestContext
        let counters: DispatchCounters
        let statistics: MethodStatistics
        let observer: (any CallObserver)?

        /// The response to send (nil for a notification).
        func finish(_ outcome: Result<JSONValue, JSONRPCError>, since started: ContinuousClock.Instant) -> [UInt8]? {
            self.counters.record(outcome)
            self.statistics.record(self.method, failed: outcome.isFailure, since: started)
            let response = self.id.map { Dispatcher.response(outcome, ownedID: $0) }
            let observed = ObservedCall(
                self.method,
                outcome,
                since: started,
                requestBytes: self.requestBytes,
                responseBytes: response?.count ?? 0
            )
            self.observer?.callCompleted(observed, context: self.context)
            return response
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
