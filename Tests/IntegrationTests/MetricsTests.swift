import Foundation
import Glibc
import TestSupport
import Testing

/// `GET /metrics` (DESIGN §4): Prometheus text on every HTTP listener; service-wide in master
/// mode (whichever worker answers), behind the bearer token when one is configured.
@Suite(.serialized) struct MetricsTests {
    private static let sum = JSONRPCMessages.request("sum", params: "[1,2]")

    private static func metrics(_ endpoint: SocketEndpoint, headers: [(String, String)] = []) throws -> HTTPResponse {
        try HTTPClient(endpoint).request(method: "GET", path: "/metrics", headers: headers, body: nil)
    }

    @Test func aSingleProcessReportsItsOwnCalls() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0,http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())
        for _ in 0..<3 {
            _ = try client.call(Self.sum)
        }
        _ = try client.call(JSONRPCMessages.request("nope"))
        let response = try Self.metrics(listeners.http())
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/plain") == true)
        let text = response.bodyText
        #expect(text.contains("\nrpcd_requests_total 4\n"), "\(text)")
        #expect(text.contains("\nrpcd_errors_total 1\n"), "\(text)")
        #expect(text.contains("rpcd_method_calls_total{method=\"sum\"} 3\n"), "\(text)")
        #expect(text.contains("# TYPE rpcd_method_latency_milliseconds summary\n"))
        #expect(text.contains("rpcd_method_latency_milliseconds{method=\"sum\",quantile=\"0.99\"} "))
    }

    @Test func aMasterServesTheServiceWideFiguresFromEveryWorker() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0"
        )
        defer { daemon.kill() }
        // A worker has the text from its READY on: no 503 right after start.
        for _ in 0..<4 {
            #expect(try Self.metrics(listeners.http()).status == 200)
        }
        // Calls spread over both workers (new connections), then the figures arrive within
        // the master's one-second publishing period.
        for _ in 0..<6 {
            _ = try LineClient(listeners.ndjson()).call(Self.sum)
        }
        var text = ""
        try Poll.until("rpcd_requests_total 6 in: \(text)", timeout: .seconds(10), interval: .milliseconds(200)) {
            text = try Self.metrics(listeners.http()).bodyText
            return text.contains("\nrpcd_requests_total 6\n")
        }
        #expect(text.contains("\nrpcd_workers_ready 2\n") && text.contains("\nrpcd_workers_desired 2\n"))
        // Every worker answers with the same service-wide count, not its own share.
        for _ in 0..<4 {
            #expect(try Self.metrics(listeners.http()).bodyText.contains("\nrpcd_requests_total 6\n"))
        }
    }

    @Test func metricsNeedTheTokenWhenOneIsConfigured() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-metrics")
        let tokenFile = try directory.write("token", "m3trics\n")
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_AUTH_TOKEN_FILE": tokenFile]
        )
        defer { daemon.kill() }
        #expect(try Self.metrics(listeners.http()).status == 401)
        let allowed = try Self.metrics(listeners.http(), headers: [("Authorization", "Bearer m3trics")])
        #expect(allowed.status == 200 && allowed.bodyText.contains("rpcd_requests_total"), "\(allowed)")
        // The probes stay open.
        let ready = try HTTPClient(listeners.http()).request(method: "GET", path: "/readyz", headers: [], body: nil)
        #expect(ready.status == 200)
    }
}
