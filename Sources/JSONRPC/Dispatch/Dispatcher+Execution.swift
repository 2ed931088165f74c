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
        case .routed(let body):
            return self.deferred(call, body, message: message, context: context)
        case .async(let body):
            let id = Self.ownedID(call.id, message: message)
            let params = call.params
            let timeout = limits.requestTimeout
            let counters = self.counters
            let statistics = self.statistics
            let method = call.method
            var callContext = context
            callContext.requestID = id.map { String(decoding: $0, as: UTF8.self) }
            let context = callContext
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
        var callContext = context
        callContext.requestID = id.map { String(decoding: $0, as: UTF8.self) }
        let context = callContext
        return .deferred { complete in
            let started = ContinuousClock.now
            body(params, context) { outcome in
                counters.record(outcome)
                statistics.record(method, failed: outcome.isFailure, since: started)
                guard let id else { return complete(nil) }
                complete(
                    id.withUnsafeBytes { id in
                        var writer = JSONWriter()
                        writer.writeResponse(outcome, id: id)
                        return writer.bytes
                    }
                )
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

    /// A copy of the id's bytes that outlives the message, or `nil` for a notification.
    static func ownedID(_ id: ParsedCall.ID, message: UnsafeRawBufferPointer) -> [UInt8]? {
        if case .absent = id { return nil }
        return JSONWriter.withIDBytes(id, in: message) { Array($0) }
    }
}
