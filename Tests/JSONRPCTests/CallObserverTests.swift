import JSONRPC
import Synchronization
import Testing

/// Keeps every call it is told of.
final class RecordingObserver: CallObserver {
    let calls = Mutex<[ObservedCall]>([])

    func callCompleted(_ call: ObservedCall, context: RequestContext) {
        self.calls.withLock { $0.append(call) }
    }

    var recorded: [ObservedCall] { self.calls.withLock { $0 } }
}

@Suite struct CallObserverTests {
    static func dispatcher(_ observer: RecordingObserver) -> Dispatcher {
        var registry = MethodRegistry()
        registry.register("add") { params, _ in
            guard case .positional(let values) = params, values.count == 2 else {
                throw JSONRPCError.invalidParams("two numbers")
            }
            return values[0]
        }
        registry.register("later", asyncHandler: { _, _ in "done" })
        return Dispatcher(registry: registry, observer: observer)
    }

    static func respond(_ dispatcher: Dispatcher, _ text: String) async -> String? {
        switch dispatcher.dispatch(Array(text.utf8), context: RequestContext(transport: "test")) {
        case .noReply: return nil
        case .reply(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .pending(let response): return await response().map { String(decoding: $0, as: UTF8.self) }
        case .deferred: return "deferred"
        }
    }

    @Test func aSingleCallIsObservedWithItsSizes() async throws {
        let observer = RecordingObserver()
        let request = #"{"jsonrpc":"2.0","method":"add","params":[1,2],"id":7}"#
        let response = try #require(await Self.respond(Self.dispatcher(observer), request))
        #expect(
            observer.recorded == [
                ObservedCall(
                    method: "add",
                    errorCode: nil,
                    duration: observer.recorded.first?.duration ?? .zero,
                    requestBytes: request.utf8.count,
                    responseBytes: response.utf8.count
                )
            ]
        )
    }

    @Test func everyBatchElementIsObservedWithItsOwnSizes() async throws {
        let observer = RecordingObserver()
        let elements = [
            #"{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}"#,
            #"{"jsonrpc":"2.0","method":"nope","id":2}"#,
            #"{"jsonrpc":"2.0","method":"add","params":[1]}"#,
            #"{"jsonrpc":"2.0","method":"later","id":3}"#,
            #"{"method":1,"id":4}"#,
        ]
        _ = await Self.respond(Self.dispatcher(observer), "[" + elements.joined(separator: ", ") + "]")
        let byMethod = Dictionary(observer.recorded.map { ($0.method, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(observer.recorded.count == 5, "\(observer.recorded)")
        #expect(byMethod["add"]?.requestBytes == elements[0].utf8.count)
        #expect(byMethod["nope"]?.errorCode == -32601)
        #expect(byMethod["nope"]?.requestBytes == elements[1].utf8.count)
        #expect(byMethod["later"]?.errorCode == nil && (byMethod["later"]?.responseBytes ?? 0) > 0)
        #expect(byMethod[""]?.errorCode == -32600, "the invalid request")
        let notification = observer.recorded.first { $0.method == "add" && $0.errorCode == -32602 }
        #expect(notification?.responseBytes == 0, "a notification has no response: \(observer.recorded)")
        #expect(notification?.requestBytes == elements[2].utf8.count)
    }

    @Test func anUnparseableMessageIsObservedOnce() async {
        let observer = RecordingObserver()
        _ = await Self.respond(Self.dispatcher(observer), "{not json")
        #expect(observer.recorded.map(\.errorCode) == [-32700])
        #expect(observer.recorded.first?.method == "")
    }
}
