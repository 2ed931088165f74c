import NIOHTTP1
import RPCDAccess
import Testing

@testable import RPCDTransport

@Suite("HTTPRequestPolicy")
struct HTTPRequestPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPMethod
        var uri: String
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        /// Sent besides `headers`; nil sends none.
        var host: String? = "localhost"
        var authorized = true
        var workerDraining = false
        var metrics: String? = "rpcd_up 1\n"
        var decision: HTTPRequestPolicy.Decision
        var testDescription: String { "\(self.method) \(self.uri) \(self.headers.map { "\($0.0): \($0.1)" })" }
    }

    static let notPOST = HTTPRequestPolicy.Decision.refuse(
        .methodNotAllowed,
        "only POST is served here\n",
        allowPOST: true
    )

    static let json = ("Content-Type", "application/json")
    static let noHost = HTTPRequestPolicy.Decision.refuse(.badRequest, "a Host header is required\n", allowPOST: false)
    static let misdirected = HTTPRequestPolicy.Decision.refuse(
        .misdirectedRequest,
        HTTPRequestPolicy.hostRefusal,
        allowPOST: false
    )

    static let cases: [Case] = [
        Case(method: .POST, uri: "/", decision: .call(corsOrigin: nil)),
        Case(method: .POST, uri: "/healthz", decision: .call(corsOrigin: nil)),
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "Application/JSON-RPC; charset=utf-8")],
            decision: .call(corsOrigin: nil)
        ),
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "text/plain")],
            decision: .refuse(.unsupportedMediaType, HTTPRequestPolicy.mediaTypeRefusal, allowPOST: false)
        ),
        Case(
            method: .POST,
            uri: "/",
            headers: [],
            decision: .refuse(.unsupportedMediaType, HTTPRequestPolicy.mediaTypeRefusal, allowPOST: false)
        ),
        // Host first: before the route, the token and the media type; probes skip it.
        Case(method: .POST, uri: "/", headers: [], host: nil, authorized: false, decision: noHost),
        Case(method: .GET, uri: "/metrics", host: "evil.example", decision: misdirected),
        Case(method: .POST, uri: "/", host: "evil.example", decision: misdirected),
        Case(method: .POST, uri: "/", host: "localhost:7701", decision: .call(corsOrigin: nil)),
        Case(method: .POST, uri: "/", host: "LOCALHOST:8080", decision: misdirected),
        Case(method: .POST, uri: "/", host: "[::1]:7701", decision: .call(corsOrigin: nil)),
        Case(method: .POST, uri: "/", host: "127.0.0.1", decision: .call(corsOrigin: nil)),
        Case(method: .GET, uri: "/healthz", host: nil, decision: .answer(.ok, "ok\n")),
        Case(method: .GET, uri: "/readyz", host: "lb.internal", decision: .answer(.ok, "ready\n")),
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "application/json"), ("Host", "localhost")],
            decision: .refuse(.badRequest, "more than one Host header\n", allowPOST: false)
        ),
        // Origin second, before the token.
        Case(
            method: .POST,
            uri: "/",
            headers: [("Origin", "https://evil.example")],
            authorized: false,
            decision: .refuse(.forbidden, "this Origin is not allowed (RPCD_HTTP_ALLOWED_ORIGINS)\n", allowPOST: false)
        ),
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "application/json"), ("Origin", "HTTPS://App.Example")],
            decision: .call(corsOrigin: "HTTPS://App.Example")
        ),
        Case(
            method: .OPTIONS,
            uri: "/",
            headers: [("Origin", "https://app.example")],
            authorized: false,
            decision: .preflight(origin: "https://app.example")
        ),
        Case(
            method: .OPTIONS,
            uri: "/",
            headers: [],
            decision: .refuse(.forbidden, HTTPRequestPolicy.preflightRefusal, allowPOST: false)
        ),
        Case(
            method: .POST,
            uri: "/",
            headers: [json, ("Content-Length", "\(testLimit)")],
            decision: .call(corsOrigin: nil)
        ),
        Case(method: .POST, uri: "/", headers: [json, ("Content-Length", "\(testLimit + 1)")], decision: .tooLarge),
        // The token is checked before the media type and the size.
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "text/plain")],
            authorized: false,
            decision: .unauthorized
        ),
        Case(method: .GET, uri: "/healthz", authorized: false, decision: .answer(.ok, "ok\n")),
        Case(method: .HEAD, uri: "/healthz?x=1", decision: .answer(.ok, "ok\n")),
        Case(method: .GET, uri: "/readyz", decision: .answer(.ok, "ready\n")),
        Case(method: .GET, uri: "/readyz", workerDraining: true, decision: .answer(.serviceUnavailable, "draining\n")),
        Case(method: .GET, uri: "/metrics", decision: .answer(.ok, "rpcd_up 1\n")),
        Case(method: .GET, uri: "/metrics", authorized: false, decision: .unauthorized),
        Case(method: .GET, uri: "/metrics", metrics: nil, decision: notPOST),
        Case(method: .GET, uri: "/", decision: notPOST),
        Case(method: .PUT, uri: "/", decision: notPOST),
        Case(method: .DELETE, uri: "/healthz", decision: notPOST),
    ]

    @Test(arguments: cases)
    func decision(_ testCase: Case) {
        let text = testCase.metrics
        let metricsText: (@Sendable () -> String?)? = text == nil ? nil : { @Sendable in text }
        let policy = HTTPRequestPolicy(
            maxRequestBytes: testLimit,
            metricsText: metricsText,
            allowedHosts: .default,
            listenerPort: 7701,
            allowedOrigins: OriginPolicy(["https://app.example"])
        )
        let head = HTTPRequestHead(
            version: .http1_1,
            method: testCase.method,
            uri: testCase.uri,
            headers: HTTPHeaders((testCase.host.map { [("Host", $0)] } ?? []) + testCase.headers)
        )
        let decision = policy.decide(
            head,
            workerDraining: { testCase.workerDraining },
            authorized: { _ in testCase.authorized }
        )
        #expect(decision == testCase.decision)
    }

    @Test func metricsNotYetAvailableIs503() {
        let policy = HTTPRequestPolicy(maxRequestBytes: testLimit, metricsText: { nil })
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/metrics", headers: ["Host": "localhost"])
        #expect(
            policy.decide(head, workerDraining: { false }, authorized: { _ in true })
                == .answer(.serviceUnavailable, "no metrics yet\n")
        )
    }
}
