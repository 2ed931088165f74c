import JSONRPC
import Testing

@testable import RPCDTransport

@Suite("Prometheus exposition")
struct PrometheusExpositionTests {
    @Test func labelValuesAreEscapedAndFamiliesTyped() {
        var snapshot = MethodStatisticsSnapshot()
        snapshot.calls = 2
        snapshot.errors = 1
        let text = PrometheusExposition(
            requests: 5,
            errors: 1,
            workersReady: 2,
            workersDesired: 3,
            generation: 4,
            uptimeSeconds: 61.9,
            methods: ["we\"ird\\name\n": snapshot]
        ).text
        #expect(text.contains("# TYPE rpcd_requests_total counter\nrpcd_requests_total 5\n"))
        #expect(text.contains("rpcd_uptime_seconds 61\n"))
        #expect(text.contains(#"rpcd_method_calls_total{method="we\"ird\\name\n"} 2"#))
        #expect(text.contains(#"rpcd_method_errors_total{method="we\"ird\\name\n"} 1"#))
        #expect(text.hasSuffix("\n"))
        // Every sample line is NAME{labels} VALUE or NAME VALUE.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count >= 2, "\(line)")
        }
    }
}
