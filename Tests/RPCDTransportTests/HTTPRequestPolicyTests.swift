import NIOHTTP1
import Testing

@testable import RPCDTransport

@Suite("HTTPRequestPolicy")
struct HTTPRequestPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPMethod
        var uri: String
        var headers: [(String, String)] = [("Content-Type", "application/json")]
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

    static let cases: [Case] = [
        Case(method: .POST, uri: "/", decision: .call),
        Case(method: .POST, uri: "/healthz", decision: .call),
        Case(method: .POST, uri: "/", headers: [], decision: .call),
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "Application/JSON-RPC; charset=utf-8")],
            decision: .call
        ),
        Case(
            method: .POST,
            uri: "/",
            headers: [("Content-Type", "text/plain")],
            decision: .refuse(.unsupportedMediaType, "Content-Type must be application/json\n", allowPOST: false)
        ),
        Case(method: .POST, uri: "/", headers: [("Content-Length", "\(testLimit)")], decision: .call),
        Case(method: .POST, uri: "/", headers: [("Content-Length", "\(testLimit + 1)")], decision: .tooLarge),
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
        let policy = HTTPRequestPolicy(maxRequestBytes: testLimit, metricsText: metricsText)
        let head = HTTPRequestHead(
            version: .http1_1,
            method: testCase.method,
            uri: testCase.uri,
            headers: HTTPHeaders(testCase.headers)
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
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/metrics")
        #expect(
            policy.decide(head, workerDraining: { false }, authorized: { _ in true })
                == .answer(.serviceUnavailable, "no metrics yet\n")
        )
    }
}
