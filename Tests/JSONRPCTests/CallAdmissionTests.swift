import JSONRPC
import Testing

/// Refuses the methods it names, as a transport's policy would; it records what it was asked.
private final class RefusingAdmission: CallAdmission {
    let refused: Set<String>
    let error = JSONRPCError(code: -32003, message: "Permission denied", data: "not for you")

    init(_ refused: Set<String>) {
        self.refused = refused
    }

    func refusal(of method: String) -> JSONRPCError? {
        self.refused.contains(method) ? self.error : nil
    }
}

@Suite struct CallAdmissionTests {
    static func dispatcher() -> Dispatcher {
        var registry = specRegistry()
        registry.register("slow", asyncHandler: { _, _ in "late" })
        return Dispatcher(registry: registry)
    }

    static func context(refusing refused: Set<String>) -> RequestContext {
        var context = RequestContext(transport: "test")
        context.admission = RefusingAdmission(refused)
        return context
    }

    static func respond(_ dispatcher: Dispatcher, _ text: String, _ context: RequestContext) async -> String? {
        switch dispatcher.dispatch(Array(text.utf8), context: context) {
        case .noReply: return nil
        case .reply(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .pending(let response): return await response().map { String(decoding: $0, as: UTF8.self) }
        case .deferred: return "deferred"
        }
    }

    static let refusedAnswer =
        #"{"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied","data":"not for you"},"id":1}"#

    @Test func refusedCallIsAnsweredWithTheHooksErrorAndDoesNotRun() async {
        let dispatcher = Self.dispatcher()
        let context = Self.context(refusing: ["sum", "slow", "nope"])
        let request = #"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#
        #expect(await Self.respond(dispatcher, request, context) == Self.refusedAnswer)
        // An async method is refused without running: the answer comes at once.
        let slow = dispatcher.dispatch(Array(#"{"jsonrpc":"2.0","method":"slow","id":1}"#.utf8), context: context)
        guard case .reply(let bytes) = slow else {
            Issue.record("expected an immediate reply, got \(slow)")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self) == Self.refusedAnswer)
        // The hook is asked before the method is looked up.
        #expect(
            await Self.respond(dispatcher, #"{"jsonrpc":"2.0","method":"nope","id":1}"#, context) == Self.refusedAnswer
        )
        // A refused notification gets nothing; refused calls count as errors.
        #expect(await Self.respond(dispatcher, #"{"jsonrpc":"2.0","method":"sum","params":[1]}"#, context) == nil)
        #expect(dispatcher.counters.errors == 4)
    }

    @Test func admittedCallsRunAsWithoutAHook() async {
        let dispatcher = Self.dispatcher()
        let context = Self.context(refusing: ["sum"])
        let request = #"{"jsonrpc":"2.0","method":"echo","params":["x"],"id":1}"#
        #expect(await Self.respond(dispatcher, request, context) == #"{"jsonrpc":"2.0","result":"x","id":1}"#)
        let slow = #"{"jsonrpc":"2.0","method":"slow","id":2}"#
        #expect(await Self.respond(dispatcher, slow, context) == #"{"jsonrpc":"2.0","result":"late","id":2}"#)
    }

    @Test func batchesAreDecidedCallByCall() async {
        let dispatcher = Self.dispatcher()
        let context = Self.context(refusing: ["sum"])
        let batch =
            "["
            + #"{"jsonrpc":"2.0","method":"sum","params":[1],"id":1},"#
            + #"{"jsonrpc":"2.0","method":"slow","id":2},"#
            + #"{"jsonrpc":"2.0","method":"echo","params":["x"],"id":3}"#
            + "]"
        #expect(
            await Self.respond(dispatcher, batch, context)
                == "[" + Self.refusedAnswer + ","
                + #"{"jsonrpc":"2.0","result":"late","id":2},{"jsonrpc":"2.0","result":"x","id":3}]"#
        )
    }

    @Test func invalidRequestsAreAnsweredBeforeTheHookIsAsked() async {
        let dispatcher = Self.dispatcher()
        let context = Self.context(refusing: ["sum"])
        let response = await Self.respond(dispatcher, #"{"jsonrpc":"1.0","method":"sum","id":1}"#, context)
        #expect(response?.contains(#""code":-32600"#) == true, "\(response ?? "nil")")
    }
}
