extension Dispatcher {
    /// An async call of a batch, waiting to run.
    struct AsyncCall: Sendable {
        var slot: Int
        var method: String
        var byteCount: Int
        var body: @Sendable (Params, RequestContext) async throws -> JSONValue
        var params: Params
        var id: [UInt8]?
    }

    /// Answers a batch: sync calls now, async calls when the pending closure is awaited.
    func executeBatch(
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
            var handler = call.error == nil ? self.handler(for: call.method, context: context) : nil
            // A batch awaits its calls in one task group: a routed call joins it as an async one.
            if case .routed(let body) = handler { handler = .async(MethodHandler.awaiting(body)) }
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
            var started: ContinuousClock.Instant?
            if let error = call.error {
                outcome = .failure(error)
            } else {
                switch resolved[slot] {
                case .sync(let body):
                    let now = ContinuousClock.now
                    started = now
                    do {
                        outcome = .success(try body(call.params, context))
                    } catch {
                        outcome = .failure(Self.rpcError(from: error))
                    }
                    self.statistics.record(call.method, failed: outcome.isFailure, since: now)
                case .async(let body):
                    asyncCalls.append(
                        AsyncCall(
                            slot: slot,
                            method: call.method,
                            byteCount: call.byteCount,
                            body: body,
                            params: call.params,
                            id: Self.ownedID(call.id, message: message)
                        )
                    )
                    responses.append(nil)
                    continue
                case .routed, nil:
                    // Routed handlers were made async above.
                    outcome = .failure(.methodNotFound(call.method))
                }
            }
            self.counters.record(outcome)
            // Invalid requests are answered even without an id; valid notifications never are.
            if call.error == nil && call.isNotification {
                if hasAsync { responses.append(nil) }
                self.observe(call.method, outcome, since: started, call.byteCount, 0, context)
                continue
            }
            let responseBytes: Int
            if hasAsync {
                let response = Self.response(outcome, id: call.id, message: message)
                responseBytes = response.count
                responses.append(response)
            } else {
                if wroteAny { writer.bytes.append(UInt8(ascii: ",")) }
                wroteAny = true
                let before = writer.bytes.count
                JSONWriter.withIDBytes(call.id, in: message) { writer.writeResponse(outcome, id: $0) }
                responseBytes = writer.bytes.count - before
            }
            self.observe(call.method, outcome, since: started, call.byteCount, responseBytes, context)
        }

        guard hasAsync else {
            guard wroteAny else { return .noReply }
            writer.bytes.append(UInt8(ascii: "]"))
            return .reply(writer.bytes)
        }
        let counters = self.counters
        let statistics = self.statistics
        let observer = self.observer
        let timeout = limits.requestTimeout
        return .pending { [responses, asyncCalls] in
            var responses = responses
            await withTaskGroup(of: (Int, [UInt8]?).self) { group in
                for call in asyncCalls {
                    // As for a single call: the handler sees the call's own id token (nil for a notification).
                    var callContext = context
                    callContext.requestID = call.id.map { String(decoding: $0, as: UTF8.self) }
                    group.addTask { [callContext] in
                        let started = ContinuousClock.now
                        let outcome = await Self.run(
                            call.body,
                            params: call.params,
                            context: callContext,
                            timeout: timeout
                        )
                        counters.record(outcome)
                        statistics.record(call.method, failed: outcome.isFailure, since: started)
                        let response = call.id.map { Self.response(outcome, ownedID: $0) }
                        observer?.callCompleted(
                            ObservedCall(
                                call.method,
                                outcome,
                                since: started,
                                requestBytes: call.byteCount,
                                responseBytes: response?.count ?? 0
                            ),
                            context: callContext
                        )
                        return (call.slot, response)
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
}
