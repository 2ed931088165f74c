import JSONRPC
import Testing

@testable import RPCDAccess

/// Users with patterns on a connection: -32001 first, -32003 outside the patterns (per batch
/// element), `rpc.discover` filtered, the certificate CN adopted, failures forgetting a login.
@Suite struct AccessPolicyTests {
    private static let users = """
        alice:\(UsersFileTests.salt)$\(UsersFileTests.hmac):sum
        bob:\(UserSecret(salt: "bobsalt", secret: "bob-pass").stored):math.*,echo
        cert.example::echo
        """

    private static func policy() throws -> AccessPolicy {
        try #require(AccessPolicy(token: Array("tok".utf8), users: UsersFile(fileContents: Array(Self.users.utf8))))
    }

    private static func dispatcher() -> Dispatcher {
        var registry = MethodRegistry()
        for name in ["sum", "echo", "math.add", "math.sub"] {
            registry.register(name) { _, context in .string(context.credential ?? "none") }
        }
        registry.register(ConnectionAuthentication.methodName) { params, context in
            let request = try AuthenticationRequest(params: params)
            guard let authentication = context.authentication else { return .bool(true) }
            guard request.attempt(on: authentication) else { throw JSONRPCError.unauthorized }
            return .bool(true)
        }
        return Dispatcher(registry: registry)
    }

    private static func respond(_ dispatcher: Dispatcher, _ text: String, _ context: inout RequestContext) -> String {
        context.refreshCredential()
        switch dispatcher.dispatch(Array(text.utf8), context: context) {
        case .noReply: return "none"
        case .reply(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .pending, .deferred: return "pending"
        }
    }

    private static func call(_ method: String, id: Int = 1) -> String {
        #"{"jsonrpc":"2.0","method":"\#(method)","id":\#(id)}"#
    }

    @Test func eachUserMayCallExactlyItsMethods() throws {
        let dispatcher = Self.dispatcher()
        var context = RequestContext(transport: "ndjson")
        context.authentication = ConnectionAuthentication(policy: try Self.policy())
        #expect(Self.respond(dispatcher, Self.call("sum"), &context).contains(#""code":-32001"#))

        let login =
            #"{"jsonrpc":"2.0","method":"rpc.authenticate","params":{"user":"alice","password":"secret-password"},"id":1}"#
        #expect(Self.respond(dispatcher, login, &context) == #"{"jsonrpc":"2.0","result":true,"id":1}"#)
        #expect(Self.respond(dispatcher, Self.call("sum"), &context) == #"{"jsonrpc":"2.0","result":"alice","id":1}"#)
        #expect(context.credential == "alice")
        #expect(
            Self.respond(dispatcher, Self.call("echo"), &context)
                == #"{"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied","data":"alice may not call echo"},"id":1}"#
        )
        let batch = Self.respond(dispatcher, "[\(Self.call("sum", id: 1)),\(Self.call("math.add", id: 2))]", &context)
        #expect(
            batch
                == #"[{"jsonrpc":"2.0","result":"alice","id":1},{"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied","data":"alice may not call math.add"},"id":2}]"#
        )
        let discovered = Self.respond(dispatcher, Self.call("rpc.discover"), &context)
        #expect(discovered.contains(#""name":"sum""#) && discovered.contains(#""name":"rpc.discover""#))
        #expect(!discovered.contains(#""name":"echo""#) && !discovered.contains(#""name":"math.add""#))

        // bob, on the same connection: what is presented last counts.
        let bob = #"{"jsonrpc":"2.0","method":"rpc.authenticate","params":{"user":"bob","password":"bob-pass"},"id":1}"#
        #expect(Self.respond(dispatcher, bob, &context).contains("true"))
        #expect(Self.respond(dispatcher, Self.call("math.sub"), &context).contains(#""result":"bob""#))
        #expect(Self.respond(dispatcher, Self.call("sum"), &context).contains("-32003"))
        let bobs = Self.respond(dispatcher, Self.call("rpc.discover"), &context)
        #expect(
            bobs.contains(#""name":"math.add""#) && bobs.contains(#""name":"echo""#) && !bobs.contains(#""name":"sum""#)
        )
    }

    @Test func wrongPasswordsUnknownUsersAndCertificateLinesFailAlike() throws {
        let authentication = ConnectionAuthentication(policy: try Self.policy())
        #expect(!authentication.attempt(user: "alice", password: "wrong"))
        #expect(!authentication.attempt(user: "mallory", password: "secret-password"))
        // A certificate-only line cannot log in with a password, even an empty one.
        #expect(!authentication.attempt(user: "cert.example", password: ""))
        #expect(authentication.failures == 3 && authentication.shouldClose && !authentication.isAuthenticated)

        let token = ConnectionAuthentication(policy: try Self.policy())
        #expect(token.attempt("tok") && token.credential == "token")
        #expect(token.refusal(of: "anything") == nil)
        #expect(!token.attempt("tok2") && !token.isAuthenticated, "a failed attempt forgets the earlier one")
    }

    @Test func aTransportCredentialIsAdoptedWithItsLinesPermissions() throws {
        let dispatcher = Self.dispatcher()
        var context = RequestContext(transport: "ndjson")
        context.authentication = ConnectionAuthentication(policy: try Self.policy())
        context.credential = "cert.example"
        #expect(Self.respond(dispatcher, Self.call("echo"), &context).contains(#""result":"cert.example""#))
        #expect(Self.respond(dispatcher, Self.call("sum"), &context).contains("-32003"))
        // A CN without a line may call everything.
        var other = RequestContext(transport: "ndjson")
        other.authentication = ConnectionAuthentication(policy: try Self.policy())
        other.credential = "unlisted.example"
        #expect(Self.respond(dispatcher, Self.call("sum"), &other).contains(#""result":"unlisted.example""#))
        // Without a CN nothing is adopted.
        var plain = RequestContext(transport: "ndjson")
        plain.authentication = ConnectionAuthentication(policy: try Self.policy())
        #expect(Self.respond(dispatcher, Self.call("sum"), &plain).contains("-32001"))
        #expect(plain.credential == nil)
    }

    @Test func authenticateParams() throws {
        #expect(try AuthenticationRequest(params: .named(JSONObject([("token", .string("t"))]))) == .token("t"))
        #expect(
            try AuthenticationRequest(params: .named(JSONObject([("user", .string("u")), ("password", .string("p"))])))
                == .user("u", password: "p")
        )
        #expect(throws: JSONRPCError.self) {
            try AuthenticationRequest(params: .named(JSONObject([("user", .string("u"))])))
        }
        #expect(throws: JSONRPCError.self) { try AuthenticationRequest(params: .positional([.string("t")])) }
    }
}
