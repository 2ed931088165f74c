import Foundation
import Glibc
import TestSupport
import Testing

/// `RPCD_AUTH_USERS_FILE` (DESIGN §11): users with HMAC-hashed secrets over HTTP Basic and
/// `rpc.authenticate`, per-method permissions (-32003 per call, `rpc.discover` filtered), refusals
/// that do not tell a wrong password from an unknown user, `rpcd-admin add-user`, reloads.
@Suite(.serialized) struct UsersTests {
    // HMACs computed with python3: hmac.new(SALT.encode(), PASSWORD.encode(), "SHA256").hexdigest()
    static let alice =
        "alice:00112233445566778899aabbccddeeff$53b8c784eac674fad8d21841e230077fd10c55e95111f470a101eb2052621b6f:sum"
    static let bob =
        "bob:ffeeddccbbaa99887766554433221100$401cad77b0546e5d6b8a27070ec711a599fb8a79537df26c12889adb5775f108:echo,rpc.*"
    static let users = "# two users\n\(alice)\n\n\(bob)\n"

    private static func start(
        workers: Int,
        users: String = Self.users,
        environment: [String: String] = [:]
    ) throws -> (RPCDProcess, Listeners, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "rpcd-users")
        let usersFile = try directory.write("users", users)
        var environment = environment
        environment["RPCD_AUTH_USERS_FILE"] = usersFile
        environment["RPCD_WORKERS"] = "\(workers)"
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: environment
        )
        return (daemon, listeners, directory)
    }

    private static func basic(_ user: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    private static func post(
        _ client: HTTPClient,
        _ body: String,
        _ authorization: (String, String),
        path: String = "/"
    ) throws -> HTTPResponse {
        try client.request(path: path, headers: [("Content-Type", "application/json"), authorization], body: body)
    }

    private static let sum = JSONRPCMessages.request("sum", params: "[1,2]")
    private static let echo = JSONRPCMessages.request("echo", params: #"["hi"]"#, id: "2")
    private static let denied = #""code":-32003"#

    private static func login(_ client: LineClient, _ user: String, _ password: String) throws -> String {
        try client.call(
            JSONRPCMessages.request("rpc.authenticate", params: #"{"user":"\#(user)","password":"\#(password)"}"#)
        )
    }

    @Test(arguments: [0, 1]) func eachUserMayCallExactlyItsMethodsOverHTTPAndTCP(workers: Int) throws {
        let (daemon, listeners, _) = try Self.start(workers: workers)
        defer { daemon.kill() }

        let http = try HTTPClient(listeners.http())
        let aliceHTTP = Self.basic("alice", "alice-pass")
        let bobHTTP = Self.basic("bob", "bob-pass")
        #expect(try Self.post(http, Self.sum, aliceHTTP).bodyText == JSONRPCMessages.result("3"))
        let aliceEcho = try Self.post(http, Self.echo, aliceHTTP)
        #expect(aliceEcho.status == 200 && aliceEcho.bodyText.contains(Self.denied), "\(aliceEcho)")
        #expect(try Self.post(http, Self.echo, bobHTTP).bodyText == JSONRPCMessages.result(#""hi""#, id: "2"))
        #expect(try Self.post(http, Self.sum, bobHTTP).bodyText.contains(Self.denied))
        // A batch mixing allowed and denied calls: per-element answers.
        let batch = try Self.post(http, "[\(Self.sum),\(Self.echo)]", aliceHTTP).bodyText
        #expect(batch.hasPrefix("[" + JSONRPCMessages.result("3") + ","), "\(batch)")
        #expect(batch.contains(#""code":-32003"#) && batch.contains(#""id":2"#), "\(batch)")
        // rpc.discover lists what each may call.
        let discover = JSONRPCMessages.request("rpc.discover")
        let alicesList = try Self.post(http, discover, aliceHTTP).bodyText
        let bobsList = try Self.post(http, discover, bobHTTP).bodyText
        #expect(alicesList.contains(#""name":"sum""#) && !alicesList.contains(#""name":"echo""#), "\(alicesList)")
        #expect(!alicesList.contains(#""name":"rpc.ping""#))
        #expect(bobsList.contains(#""name":"echo""#) && bobsList.contains(#""name":"rpc.ping""#))
        #expect(!bobsList.contains(#""name":"sum""#), "\(bobsList)")

        let tcp = try LineClient(listeners.ndjson())
        #expect(try tcp.call(Self.sum).contains(#""code":-32001"#))
        #expect(try Self.login(tcp, "alice", "alice-pass") == JSONRPCMessages.result("true"))
        #expect(try tcp.call(Self.sum) == JSONRPCMessages.result("3"))
        #expect(try tcp.call(Self.echo).contains(Self.denied))
        let tcpBatch = try tcp.call("[\(Self.sum),\(Self.echo)]")
        #expect(tcpBatch.hasPrefix("[" + JSONRPCMessages.result("3") + ",") && tcpBatch.contains(Self.denied))
        let bob = try LineClient(listeners.ndjson())
        #expect(try Self.login(bob, "bob", "bob-pass") == JSONRPCMessages.result("true"))
        #expect(try bob.call(Self.echo) == JSONRPCMessages.result(#""hi""#, id: "2"))
        #expect(try bob.call(Self.sum).contains(Self.denied))
        #expect(try bob.call(discover) != (try tcp.call(discover)))
    }

    @Test func wrongPasswordsUnknownUsersAndURLTokensAreRefusedAlike() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-users")
        let token = try directory.write("token", "the-token\n")
        let (daemon, listeners, _) = try Self.start(workers: 0, environment: ["RPCD_AUTH_TOKEN_FILE": token])
        defer { daemon.kill() }
        let http = try HTTPClient(listeners.http())

        var refusals: [HTTPResponse] = []
        for (authorization, path) in [
            (Self.basic("alice", "wrong"), "/"),
            (Self.basic("nobody", "alice-pass"), "/"),
            (("Authorization", "Bearer wrong"), "/"),
            (("X-Nothing", "x"), "/?token=the-token"),
        ] {
            let started = ContinuousClock.now
            refusals.append(try Self.post(http, Self.sum, authorization, path: path))
            #expect(ContinuousClock.now - started >= .milliseconds(250), "\(authorization) \(path)")
        }
        for refusal in refusals {
            #expect(refusal.status == 401, "\(refusal)")
            #expect(refusal.body == refusals[0].body, "\(refusal.bodyText)")
        }
        // The token still works beside the users, and is credential `token` (every method).
        #expect(try Self.post(http, Self.echo, ("Authorization", "Bearer the-token")).bodyText.contains(#""hi""#))

        let tcp = try LineClient(listeners.ndjson())
        var answers: [String] = []
        for params in [#"{"user":"alice","password":"wrong"}"#, #"{"user":"nobody","password":"alice-pass"}"#] {
            let started = ContinuousClock.now
            answers.append(try tcp.call(JSONRPCMessages.request("rpc.authenticate", params: params)))
            #expect(ContinuousClock.now - started >= .milliseconds(250))
        }
        #expect(answers[0].contains(#""code":-32001"#) && answers[0] == answers[1], "\(answers)")
    }

    @Test func anAddedUserAuthenticatesAfterAReloadAndAMalformedLineRefusesIt() throws {
        let (daemon, listeners, directory) = try Self.start(workers: 1)
        defer { daemon.kill() }

        let added = try RunCommand(
            executable: try ProductsDirectory.rpcdAdmin(),
            arguments: ["add-user", "carol", "--methods", "sum,rpc.*"],
            environment: [:]
        ).run()
        #expect(added.exitCode == 0, "\(added)")
        let lines = added.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2 && lines[1].hasPrefix("secret: "), "\(added.stdout)")
        let secret = String(lines[1].dropFirst("secret: ".count))
        #expect(lines[0].hasPrefix("carol:") && lines[0].hasSuffix(":sum,rpc.*") && !lines[0].contains(secret))

        _ = try directory.write("users", Self.users + lines[0] + "\n")
        let reloaded = try daemon.admin.run(["reload"])
        #expect(reloaded.exitCode == 0, "\(reloaded)")
        let http = try HTTPClient(listeners.http())
        #expect(try Self.post(http, Self.sum, Self.basic("carol", secret)).bodyText == JSONRPCMessages.result("3"))
        #expect(try Self.post(http, Self.echo, Self.basic("carol", secret)).bodyText.contains(Self.denied))

        // A malformed line: the reload is refused naming the file and line; everyone keeps working.
        let usersFile = directory.file("users")
        _ = try directory.write("users", Self.users + lines[0] + "\ndave:nohmac\n")
        let refused = try daemon.admin.run(["reload"])
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(
            refused.stderr.contains("the users file \(usersFile) line 6: the secret is not SALT$HMAC"),
            "\(refused)"
        )
        #expect(try Self.post(http, Self.sum, Self.basic("carol", secret)).bodyText == JSONRPCMessages.result("3"))
        #expect(
            try Self.post(http, Self.sum, Self.basic("alice", "alice-pass")).bodyText == JSONRPCMessages.result("3")
        )

        // --check-config says how many users, never a secret.
        let check = try RunCommand.rpcd(
            ["--check-config"],
            environment: ["RPCD_AUTH_USERS_FILE": Self.write(directory, "check", Self.users + lines[0] + "\n")]
        ).run()
        #expect(check.exitCode == 0, "\(check)")
        #expect(check.stdout.contains(": 3 users, 0 certificate names"), "\(check.stdout)")
        #expect(!check.stdout.contains("53b8c784") && !check.stdout.contains(secret))
    }

    private static func write(_ directory: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        try directory.write(name, text)
    }

    @Test func aMalformedLineRefusesTheStart() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-users")
        let usersFile = try directory.write("users", "\(Self.alice)\nbob:x$y:sum\n")
        let daemon = try RPCDProcess(
            environment: ["RPCD_AUTH_USERS_FILE": usersFile, "RPCD_LISTEN": "tcp://127.0.0.1:0"]
        )
        #expect(try daemon.waitForExit() == .exited(2))
        #expect(
            daemon.stderrText.contains("the users file \(usersFile) line 2: the HMAC is not 64 lowercase hex digits"),
            "\(daemon.stderrText)"
        )
    }

    @Test func anExecMethodSeesTheCredential() throws {
        let methods = try ExecMethodTests.methodsDirectory(["whoami": #"printf '"%s"' "$RPCD_CREDENTIAL""#])
        let (daemon, listeners, _) = try Self.start(
            workers: 0,
            users:
                "\(Self.alice)\nroot:00112233445566778899aabbccddeeff$53b8c784eac674fad8d21841e230077fd10c55e95111f470a101eb2052621b6f\n",
            environment: ["RPCD_METHODS_DIR": methods.path]
        )
        defer { daemon.kill() }
        let whoami = JSONRPCMessages.request("whoami")
        let http = try HTTPClient(listeners.http())
        #expect(
            try Self.post(http, whoami, Self.basic("root", "alice-pass")).bodyText == JSONRPCMessages.result(#""root""#)
        )
        let tcp = try LineClient(listeners.ndjson())
        #expect(try Self.login(tcp, "root", "alice-pass") == JSONRPCMessages.result("true"))
        #expect(try tcp.call(whoami) == JSONRPCMessages.result(#""root""#))
    }
}
