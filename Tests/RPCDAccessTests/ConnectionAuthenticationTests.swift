import JSONRPC
import Testing

@testable import RPCDAccess

@Suite struct ConnectionAuthenticationTests {
    private static func dispatcher() -> Dispatcher {
        var registry = MethodRegistry()
        registry.register("sum") { params, _ in
            guard case .positional(let values) = params else { throw JSONRPCError.invalidParams("expected an array") }
            return .int(values.count == 2 ? 3 : 1)
        }
        // Stands in for the daemon's method: it only flips the connection's state.
        registry.register(ConnectionAuthentication.methodName) { params, context in
            guard case .named(let object) = params, case .string(let token)? = object["token"] else {
                throw JSONRPCError.invalidParams("token")
            }
            guard context.authentication?.attempt(token) ?? true else { throw JSONRPCError.unauthorized }
            return .bool(true)
        }
        return Dispatcher(registry: registry)
    }

    private static func respond(_ dispatcher: Dispatcher, _ text: String, _ context: RequestContext) -> String? {
        switch dispatcher.dispatch(Array(text.utf8), context: context) {
        case .noReply: return nil
        case .reply(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .pending, .deferred: return "pending"
        }
    }

    @Test func callsBeforeAuthenticationGetUnauthorizedSinglesAndBatchesAlike() {
        let dispatcher = Self.dispatcher()
        var context = RequestContext(transport: "ndjson")
        let authentication = ConnectionAuthentication(token: Array("t0ken".utf8))
        context.authentication = authentication
        #expect(context.admission is ConnectionAuthentication)

        let single = Self.respond(dispatcher, #"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#, context)
        #expect(
            single
                == #"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized","data":"call rpc.authenticate first"},"id":1}"#
        )
        // A notification gets nothing, and does not run.
        #expect(Self.respond(dispatcher, #"{"jsonrpc":"2.0","method":"sum","params":[1]}"#, context) == nil)
        let batch = Self.respond(
            dispatcher,
            #"[{"jsonrpc":"2.0","method":"sum","params":[1],"id":1},{"jsonrpc":"2.0","method":"nope","id":2}]"#,
            context
        )
        #expect(batch?.split(separator: "-32001", omittingEmptySubsequences: false).count == 3, "\(batch ?? "nil")")

        let wrong = #"{"jsonrpc":"2.0","method":"rpc.authenticate","params":{"token":"t0ke"},"id":3}"#
        #expect(Self.respond(dispatcher, wrong, context)?.contains("-32001") == true)
        #expect(authentication.failures == 1 && !authentication.shouldClose)
        let right = #"{"jsonrpc":"2.0","method":"rpc.authenticate","params":{"token":"t0ken"},"id":4}"#
        #expect(Self.respond(dispatcher, right, context) == #"{"jsonrpc":"2.0","result":true,"id":4}"#)
        #expect(
            Self.respond(dispatcher, #"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":5}"#, context)
                == #"{"jsonrpc":"2.0","result":3,"id":5}"#
        )
    }

    @Test func refusesEverythingButTheAuthenticateMethodUntilAuthenticated() {
        let authentication = ConnectionAuthentication(token: Array("abc".utf8))
        #expect(authentication.refusal(of: ConnectionAuthentication.methodName) == nil)
        #expect(authentication.refusal(of: "sum")?.code == JSONRPCErrorCode.unauthorized)
        #expect(authentication.refusal(of: "no.such.method")?.code == JSONRPCErrorCode.unauthorized)
        #expect(authentication.attempt("abc"))
        #expect(authentication.refusal(of: "sum") == nil)
    }

    @Test func theThirdFailureMeansClose() {
        let authentication = ConnectionAuthentication(token: Array("abc".utf8))
        for guess in ["", "ab", "abcd"] {
            #expect(!authentication.shouldClose)
            #expect(!authentication.attempt(guess))
        }
        #expect(authentication.failures == ConnectionAuthentication.maximumFailures)
        #expect(authentication.shouldClose)
        #expect(ConnectionAuthentication.failureDelay == .milliseconds(250))
    }

    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true), ("a", "", false),
    ])
    func constantTimeComparison(a: String, b: String, equal: Bool) {
        #expect(AccessPolicy.constantTimeEqual(Array(a.utf8), Array(b.utf8)) == equal)
    }
}
