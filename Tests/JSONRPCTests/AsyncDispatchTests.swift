import JSONRPC
import Synchronization
import Testing

@Suite struct AsyncDispatchTests {
    /// Records whether a handler saw its task cancelled.
    final class CancellationProbe: Sendable {
        private let state = Mutex((started: false, cancelled: false))
        func markStarted() { state.withLock { $0.started = true } }
        func markCancelled() { state.withLock { $0.cancelled = true } }
        var started: Bool { state.withLock { $0.started } }
        var cancelled: Bool { state.withLock { $0.cancelled } }
    }

    static func registry(probe: CancellationProbe = CancellationProbe()) -> MethodRegistry {
        var registry = specRegistry()
        registry.register(
            "later",
            asyncHandler: { params, _ in
                await Task.yield()
                return params.jsonValue ?? .null
            }
        )
        registry.register(
            "hang",
            asyncHandler: { _, _ in
                probe.markStarted()
                do {
                    try await Task.sleep(for: .seconds(600))
                } catch {
                    probe.markCancelled()
                    throw error
                }
                return "woke up"
            }
        )
        registry.register("asyncFail", asyncHandler: { _, _ in throw SecretFailure() })
        registry.register(
            "asyncDivide",
            asyncHandler: { _, _ in
                throw JSONRPCError.applicationError("invalid operation: division by zero")
            }
        )
        return registry
    }

    @Test func asyncHandlersArePending() async {
        let dispatcher = Dispatcher(registry: Self.registry())
        let outcome = dispatcher.dispatch(
            Array(#"{"jsonrpc":"2.0","method":"later","params":[1],"id":"x"}"#.utf8),
            context: RequestContext(transport: "test")
        )
        guard case .pending(let response) = outcome else {
            Issue.record("expected .pending")
            return
        }
        let bytes = await response()
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == #"{"jsonrpc":"2.0","result":[1],"id":"x"}"#)
    }

    @Test func asyncNotificationsRunButGetNoReply() async {
        let probe = CancellationProbe()
        let dispatcher = Dispatcher(
            registry: Self.registry(probe: probe),
            limits: DispatchLimits(requestTimeout: .milliseconds(20))
        )
        let outcome = dispatcher.dispatch(
            Array(#"{"jsonrpc":"2.0","method":"hang"}"#.utf8),
            context: RequestContext(transport: "test")
        )
        guard case .pending(let response) = outcome else {
            Issue.record("expected .pending: awaiting it is what runs the handler")
            return
        }
        #expect(await response() == nil)
        #expect(probe.started)
        #expect(probe.cancelled)
    }

    @Test func timeoutAnswersMinus32002AndCancelsTheHandler() async {
        let probe = CancellationProbe()
        let dispatcher = Dispatcher(
            registry: Self.registry(probe: probe),
            limits: DispatchLimits(requestTimeout: .milliseconds(50))
        )
        let clock = ContinuousClock()
        let start = clock.now
        let response = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"hang","id":9}"#)
        #expect(response == #"{"jsonrpc":"2.0","error":{"code":-32002,"message":"Request timeout"},"id":9}"#)
        #expect(clock.now - start < .seconds(60))
        // The task group waits for the cancelled handler to unwind before answering, so this is already settled.
        #expect(probe.started)
        #expect(probe.cancelled)
    }

    @Test func noTimeoutWhenDisabled() async {
        let dispatcher = Dispatcher(registry: Self.registry(), limits: DispatchLimits(requestTimeout: nil))
        let response = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"later","params":{"a":1},"id":1}"#)
        #expect(response == #"{"jsonrpc":"2.0","result":{"a":1},"id":1}"#)
    }

    @Test func asyncErrors() async {
        let dispatcher = Dispatcher(registry: Self.registry())
        let unknown = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"asyncFail","id":1}"#)
        #expect(unknown == #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}"#)
        let application = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"asyncDivide","id":2}"#)
        #expect(
            application
                == #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"invalid operation: division by zero"},"id":2}"#
        )
    }

    @Test func mixedBatchKeepsRequestOrder() async {
        let probe = CancellationProbe()
        let dispatcher = Dispatcher(
            registry: Self.registry(probe: probe),
            // Long enough that "later" finishes even while the integration tests' blocking socket
            // reads hold the 2-core cooperative pool; "hang" never finishes.
            limits: DispatchLimits(requestTimeout: .seconds(10))
        )
        let batch = """
            [{"jsonrpc":"2.0","method":"hang","id":1},
             {"jsonrpc":"2.0","method":"echo","params":[2],"id":2},
             {"jsonrpc":"2.0","method":"later","params":[3]},
             {"jsonrpc":"2.0","method":"later","params":[4],"id":4},
             {"jsonrpc":"2.0","method":"echo","params":[5]},
             {"jsonrpc":"2.0","method":"nope","id":6}]
            """
        let response = await respond(dispatcher, batch)
        let expected =
            "["
            + #"{"jsonrpc":"2.0","error":{"code":-32002,"message":"Request timeout"},"id":1},"#
            + #"{"jsonrpc":"2.0","result":2,"id":2},"#
            + #"{"jsonrpc":"2.0","result":[4],"id":4},"#
            + #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"nope"},"id":6}"#
            + "]"
        #expect(response == expected)
        #expect(probe.cancelled)
    }

    @Test func batchOfAsyncNotificationsHasNoReply() async {
        let dispatcher = Dispatcher(registry: Self.registry())
        let response = await respond(
            dispatcher,
            #"[{"jsonrpc":"2.0","method":"later","params":[1]},{"jsonrpc":"2.0","method":"echo","params":[1]}]"#
        )
        #expect(response == nil)
    }

    @Test func idOutlivesTheMessageBuffer() async {
        let dispatcher = Dispatcher(registry: Self.registry())
        var message = Array(#"{"jsonrpc":"2.0","method":"later","params":[1],"id":"keep-me"}"#.utf8)
        let outcome = dispatcher.dispatch(message, context: RequestContext(transport: "test"))
        for index in message.indices { message[index] = 0 }
        guard case .pending(let response) = outcome else {
            Issue.record("expected .pending")
            return
        }
        let bytes = await response()
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == #"{"jsonrpc":"2.0","result":[1],"id":"keep-me"}"#)
    }
}
