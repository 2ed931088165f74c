extension Dispatcher {
    /// An async call of a batch, waiting to run.
    struct AsyncCall: Sendable {
        var slot: Int
        var method: String
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
                case .routed, nil:
                    // Routed handlers were made async above.
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
}
