import Foundation
import Glibc
import TestSupport
import Testing

/// Exposure (DESIGN §11) against the real binary: what a browser page or a DNS-rebinding attack
/// can send is refused before anything runs, while a well-formed client is served alongside.
///
/// "Nothing ran" is proven by an exec method, `record`, that appends a line to a file per call;
/// each test also makes one accepted call, so the count can fail both ways.
@Suite struct HTTPExposureTests {
    /// The allowed origin of these tests.
    static let origin = "https://app.example"

    /// Single-process rpcd with NDJSON, length-prefixed and HTTP listeners and the `record` method.
    private static func start(
        _ environment: [String: String] = [:]
    ) throws -> (RPCDProcess, Listeners, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "rpcd-exposure")
        try ExecMethodTests.writeScript(directory.file("record"), "echo call >> '\(directory.file("calls"))'")
        var environment = environment
        environment["RPCD_METHODS_DIR"] = directory.path
        environment["RPCD_HTTP_ALLOWED_ORIGINS"] = environment["RPCD_HTTP_ALLOWED_ORIGINS"] ?? Self.origin
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,tcp://127.0.0.1:0?framing=length,http://127.0.0.1:0",
            environment: environment
        )
        return (daemon, listeners, directory)
    }

    private static let record = JSONRPCMessages.request("record", params: "[]")

    /// How many times `record` ran.
    private static func calls(_ directory: TemporaryDirectory) throws -> Int {
        guard directory.exists("calls") else { return 0 }
        return try directory.read("calls").split(separator: "\n").count
    }

    /// Every answer's headers that no browser may misuse.
    private static func expectSafeHeaders(_ response: HTTPResponse, _ comment: String) {
        #expect(response.header("X-Content-Type-Options") == "nosniff", "\(comment): \(response)")
        #expect(response.header("Cache-Control") == "no-store", "\(comment): \(response)")
        #expect(response.header("Access-Control-Allow-Origin") != "*", "\(comment): \(response)")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "POST"
        var headers: [(String, String)]
        var status: Int
        var testDescription: String { self.name }
    }

    static let json = ("Content-Type", "application/json")

    static let refusals: [Refusal] = [
        Refusal(
            name: "curl -d form body",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            status: 415
        ),
        Refusal(name: "text/plain", headers: [("Content-Type", "text/plain")], status: 415),
        Refusal(name: "multipart", headers: [("Content-Type", "multipart/form-data; boundary=x")], status: 415),
        Refusal(name: "no Content-Type", headers: [], status: 415),
        Refusal(name: "text/json", headers: [("Content-Type", "text/json")], status: 415),
        Refusal(name: "other charset", headers: [("Content-Type", "application/json; charset=latin1")], status: 415),
        Refusal(name: "Host evil.example", headers: [json, ("Host", "evil.example")], status: 421),
        Refusal(name: "Host localhost6", headers: [json, ("Host", "localhost6")], status: 421),
        Refusal(name: "Host 0.0.0.0", headers: [json, ("Host", "0.0.0.0")], status: 421),
        Refusal(name: "Host with a wrong port", headers: [json, ("Host", "127.0.0.1:1")], status: 421),
        Refusal(name: "two Hosts", headers: [json, ("Host", "localhost"), ("Host", "localhost")], status: 400),
        Refusal(name: "foreign Origin", headers: [json, ("Origin", "https://evil.example")], status: 403),
        Refusal(name: "Origin null", headers: [json, ("Origin", "null")], status: 403),
        Refusal(name: "Sec-Fetch-Site cross-site", headers: [json, ("Sec-Fetch-Site", "cross-site")], status: 403),
        Refusal(name: "Sec-Fetch-Site same-site", headers: [json, ("Sec-Fetch-Site", "same-site")], status: 403),
        Refusal(
            name: "preflight from another origin",
            method: "OPTIONS",
            headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")],
            status: 403
        ),
        Refusal(name: "OPTIONS without Origin", method: "OPTIONS", headers: [], status: 403),
    ]

    @Test func everyRefusalRunsNothingWhileAWellFormedClientIsServed() throws {
        let (daemon, listeners, directory) = try Self.start()
        defer { daemon.kill() }
        let bystander = BystanderLoop(endpoint: try listeners.ndjson())
        bystander.start()
        let client = try HTTPClient(listeners.http())

        for refusal in Self.refusals {
            let response = try client.request(
                method: refusal.method,
                headers: refusal.headers,
                body: refusal.method == "OPTIONS" ? nil : Self.record
            )
            #expect(response.status == refusal.status, "\(refusal.name): \(response)")
            #expect(!response.bodyText.isEmpty, "\(refusal.name): a refusal says why")
            Self.expectSafeHeaders(response, refusal.name)
        }
        // Without any Host (HTTP/1.1 requires one): 400, written raw since the client adds one.
        try client.sendRaw(
            "POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: \(Self.record.utf8.count)\r\n\r\n"
                + Self.record
        )
        let noHost = try #require(try client.readResponse())
        #expect(noHost.status == 400, "\(noHost)")
        Self.expectSafeHeaders(noHost, "no Host")
        #expect(try Self.calls(directory) == 0, "a refused request ran")

        // The same connection is still served, and the call runs.
        let accepted = try client.post(Self.record)
        #expect(accepted.status == 200 && accepted.bodyText == JSONRPCMessages.result("null"), "\(accepted)")
        Self.expectSafeHeaders(accepted, "accepted")
        #expect(accepted.header("Access-Control-Allow-Origin") == nil, "\(accepted)")
        #expect(try Self.calls(directory) == 1)

        let outcome = bystander.stop()
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        #expect(outcome.calls > 0)
    }

    @Test func anAllowedOriginGetsItsPreflightAndItsAnswersNameIt() throws {
        let (daemon, listeners, directory) = try Self.start()
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let preflight = try client.request(
            method: "OPTIONS",
            headers: [
                ("Origin", Self.origin), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            body: nil
        )
        #expect(preflight.status == 204, "\(preflight)")
        #expect(preflight.header("Access-Control-Allow-Origin") == Self.origin, "\(preflight)")
        #expect(preflight.header("Vary") == "Origin", "\(preflight)")
        #expect(preflight.header("Access-Control-Allow-Methods") == "POST", "\(preflight)")
        #expect(preflight.header("Access-Control-Allow-Headers") == "content-type, authorization", "\(preflight)")
        Self.expectSafeHeaders(preflight, "preflight")
        #expect(try Self.calls(directory) == 0, "a preflight ran a call")

        let call = try client.request(
            headers: [Self.json, ("Origin", Self.origin), ("Sec-Fetch-Site", "cross-site")],
            body: Self.record
        )
        #expect(call.status == 200, "\(call)")
        #expect(call.header("Access-Control-Allow-Origin") == Self.origin, "\(call)")
        #expect(call.header("Vary") == "Origin", "\(call)")
        Self.expectSafeHeaders(call, "allowed origin")
        #expect(try Self.calls(directory) == 1)
    }

    @Test func probesSkipTheHostCheckButMetricsDoNot() throws {
        let (daemon, listeners, _) = try Self.start()
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        for path in ["/healthz", "/readyz"] {
            let probe = try client.request(method: "GET", path: path, headers: [("Host", "lb.internal")], body: nil)
            #expect(probe.status == 200, "\(path): \(probe)")
            Self.expectSafeHeaders(probe, path)
        }
        let metrics = try client.request(method: "GET", path: "/metrics", headers: [("Host", "lb.internal")], body: nil)
        #expect(metrics.status == 421, "\(metrics)")
        let allowed = try client.request(method: "GET", path: "/metrics", headers: [], body: nil)
        #expect(allowed.status == 200, "\(allowed)")
    }

    @Test func configuredHostsAreServedAndOthersAreNot() throws {
        let (daemon, listeners, directory) = try Self.start(["RPCD_HTTP_ALLOWED_HOSTS": "rpcd,api.example:8080"])
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())
        let port = try #require(try listeners.http().port)

        let cases: [(String, Int)] = [
            ("rpcd", 200), ("RPCD:\(port)", 200), ("api.example:8080", 200), ("api.example", 421),
            ("api.example:8081", 421), ("localhost", 421), ("127.0.0.1:\(port)", 200),
        ]
        for (host, status) in cases {
            let response = try client.request(headers: [Self.json, ("Host", host)], body: Self.record)
            #expect(response.status == status, "Host \(host): \(response)")
        }
        #expect(try Self.calls(directory) == cases.filter { $0.1 == 200 }.count)
    }

    @Test func anHTTPRequestOnAStreamPortIsClosedUnrun() throws {
        let (daemon, listeners, directory) = try Self.start()
        defer { daemon.kill() }
        let bystander = BystanderLoop(endpoint: try listeners.ndjson())
        bystander.start()
        // The body is a valid NDJSON line: without the guard it would run.
        let request =
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(Self.record.utf8.count + 1)\r\n\r\n\(Self.record)\n"

        for _ in 0..<2 {
            let line = try LineClient(try listeners.ndjson())
            try line.sendRaw(Array(request.utf8))
            #expect(try line.isClosedByPeer(), "the NDJSON connection stayed open")
            let length = try LengthPrefixClient(try listeners.length())
            try length.sendRaw(Array(request.utf8))
            #expect(try length.isClosedByPeer(), "the length-prefixed connection stayed open")
        }
        // Split over several writes, the method is still seen.
        let split = try LineClient(try listeners.ndjson())
        try split.sendRaw(Array("PO".utf8))
        try split.sendRaw(Array("ST / HTTP/1.1\r\n\r\n\(Self.record)\n".utf8))
        #expect(try split.isClosedByPeer())

        // A line that starts with anything else is served as usual.
        let client = try LineClient(try listeners.ndjson())
        #expect(try client.call(Self.record) == JSONRPCMessages.result("null"))
        #expect(try Self.calls(directory) == 1, "an HTTP request's body ran on a stream port")

        let outcome = bystander.stop()
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        #expect(outcome.calls > 0)
        let warnings = daemon.logLines.filter {
            $0.message == "HTTP request on a stream listener, closing the connection"
        }
        #expect(warnings.count == 1, "logged once per peer per minute: \(warnings)")
    }

    @Test func aNonLoopbackListenerWithoutCredentialIsRefusedAtStart() throws {
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        for listen in ["tcp://0.0.0.0:\(port)", "http://[::]:\(port)"] {
            let refused = try RunCommand.rpcd(environment: ["RPCD_LISTEN": listen, "RPCD_WORKERS": "0"]).run()
            #expect(refused.status == .exited(2), "\(refused)")
            #expect(refused.stderr.contains(listen), "\(refused)")
            #expect(refused.stderr.contains("RPCD_ALLOW_UNAUTHENTICATED=1"), "\(refused)")
        }
        let check = try RunCommand.rpcd(["--check-config"], environment: ["RPCD_LISTEN": "tcp://0.0.0.0:\(port)"]).run()
        #expect(check.status == .exited(2), "\(check)")

        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://0.0.0.0:0",
            environment: ["RPCD_ALLOW_UNAUTHENTICATED": "1"]
        )
        defer { daemon.kill() }
        let client = try LineClient(.tcp(host: "127.0.0.1", port: try #require(try listeners.ndjson().port)))
        #expect(try client.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func aTokenOrLoopbackNeedsNoOptIn() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-exposure")
        let token = try directory.write("token", "s3cret\n")
        let check = try RunCommand.rpcd(
            ["--check-config"],
            environment: [
                "RPCD_LISTEN": "tcp://0.0.0.0:7700,http://127.0.0.2:7701,unix:\(directory.file("s"))",
                "RPCD_AUTH_TOKEN_FILE": token, "RPCD_HTTP_ALLOWED_HOSTS": "rpcd, API.example:8080",
                "RPCD_HTTP_ALLOWED_ORIGINS": "https://App.example",
            ]
        ).run()
        #expect(check.status == .exited(0), "\(check)")
        #expect(check.stdout.contains("RPCD_HTTP_ALLOWED_HOSTS=rpcd,api.example:8080"), "\(check.stdout)")
        #expect(check.stdout.contains("RPCD_HTTP_ALLOWED_ORIGINS=https://app.example"), "\(check.stdout)")
        #expect(check.stdout.contains("RPCD_ALLOW_UNAUTHENTICATED=0"), "\(check.stdout)")

        for (key, value) in [
            ("RPCD_HTTP_ALLOWED_HOSTS", "::1"), ("RPCD_HTTP_ALLOWED_HOSTS", "a b"),
            ("RPCD_HTTP_ALLOWED_ORIGINS", "null"), ("RPCD_HTTP_ALLOWED_ORIGINS", "https://app.example/path"),
            ("RPCD_ALLOW_UNAUTHENTICATED", "maybe"),
        ] {
            let bad = try RunCommand.rpcd(["--check-config"], environment: [key: value]).run()
            #expect(bad.status == .exited(2), "\(key)=\(value): \(bad)")
            #expect(bad.stderr.contains(key), "\(bad)")
        }
    }
}
