import Foundation
import Glibc
import TestSupport
import Testing

/// The failed-authentication lockout per peer address and `RPCD_RATE_LIMIT` (DESIGN §11),
/// against the real binary in single-process mode (both are counted per worker).
@Suite(.serialized) struct AccessLimitsTests {
    static let token = "s3cret-token"
    private static let sum = JSONRPCMessages.request("sum", params: "[1,2]")

    private static func curl(_ arguments: [String]) throws -> CommandResult {
        try RunCommand(executable: "/usr/bin/curl", arguments: ["-s", "-i", "--max-time", "5"] + arguments)
            .run(timeout: .seconds(10))
    }

    @Test(
        "eleven failed authentications in a minute lock the address out: 429 over HTTP, closed streams; another address still authenticates"
    )
    func lockout() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-lockout")
        let tokenFile = try directory.write("token", "\(Self.token)\n")
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: ["RPCD_AUTH_TOKEN_FILE": tokenFile, "RPCD_WORKERS": "0"]
        )
        defer { daemon.kill() }
        let http = try listeners.http()
        let client = try HTTPClient(http, timeout: .seconds(10))
        func post(_ authorization: String, on client: HTTPClient) throws -> HTTPResponse {
            try client.request(
                headers: [("Content-Type", "application/json"), ("Authorization", authorization)],
                body: Self.sum
            )
        }
        for attempt in 1...11 {
            let answer = try post("Bearer guess-\(attempt)", on: client)
            #expect(answer.status == 401, "attempt \(attempt): \(answer)")
        }
        // Locked out: even the right token is refused, at once, with the time left.
        let started = ContinuousClock.now
        let locked = try post("Bearer \(Self.token)", on: client)
        #expect(locked.status == 429, "\(locked)")
        #expect(ContinuousClock.now - started < .milliseconds(200), "a locked-out attempt is not delayed")
        let retryAfter = locked.header("retry-after").flatMap(Int.init) ?? 0
        #expect((1...60).contains(retryAfter), "\(locked)")
        #expect(locked.bodyText.contains(#""code":-32001"#), "\(locked.bodyText)")

        // A stream connection from the same address: refused and closed.
        let stream = try LineClient(listeners.ndjson())
        let refused = try stream.call(
            JSONRPCMessages.request("rpc.authenticate", params: #"{"token":"\#(Self.token)"}"#)
        )
        #expect(refused.contains(#""code":-32001"#) && refused.contains("too many failed"), "\(refused)")
        #expect(try stream.isClosedByPeer(), "a locked-out stream connection is closed")

        // Another address (127.0.0.2 is loopback too) is not locked out.
        guard case .tcp(_, let port) = http else {
            Issue.record("\(http) is not TCP")
            return
        }
        let other = try Self.curl([
            "--interface", "127.0.0.2", "-H", "Authorization: Bearer \(Self.token)", "--json", Self.sum,
            "http://127.0.0.1:\(port)/",
        ])
        #expect(other.stdout.hasPrefix("HTTP/1.1 200") && other.stdout.contains(#""result":3"#), "\(other)")
        // Logged once, when the eleventh failure locked the address.
        #expect(daemon.logLines.filter { $0.message?.contains("address locked out") == true }.count == 1)
    }

    @Test(
        "RPCD_RATE_LIMIT=50: a batch of 200 counts as 200, a whole HTTP request gets 429, 50/s holds within 10 % over 5 s"
    )
    func rateLimit() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: ["RPCD_RATE_LIMIT": "50", "RPCD_WORKERS": "0"]
        )
        defer { daemon.kill() }
        let stream = try LineClient(listeners.ndjson(), timeout: .seconds(10))
        let batch =
            "["
            + (1...200).map { JSONRPCMessages.request("sum", params: "[1,2]", id: "\($0)") }
            .joined(separator: ",") + "]"
        let answers = try stream.call(batch)
        let admitted = answers.components(separatedBy: #""result":3"#).count - 1
        let limited = answers.components(separatedBy: #""reason":"rate limited""#).count - 1
        // The burst (twice the rate) and perhaps a token or two refilled while the batch ran.
        #expect((100...102).contains(admitted) && admitted + limited == 200, "\(admitted) admitted, \(limited) limited")
        #expect(answers.contains(#""code":-32004"#) && answers.contains("retry_after_ms"))

        // Over HTTP from the same address, with the bucket empty: refused whole.
        let http = try HTTPClient(listeners.http())
        let whole = try http.request(body: Self.sum)
        #expect(whole.status == 429 && whole.header("retry-after") == "1", "\(whole)")
        #expect(whole.bodyText.contains("rate limited"), "\(whole.bodyText)")

        // Let the bucket fill again (2 s), then call flat out for 5 s: 100 + 5 × 50 = 350.
        Thread.sleep(forTimeInterval: 2.2)
        var ok = 0
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(5) {
            if try stream.call(Self.sum).contains(#""result":3"#) { ok += 1 }
        }
        #expect((315...385).contains(ok), "\(ok) calls admitted in 5 s at 50/s (expected 350 ± 10 %)")
    }
}
