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

    @Test func backendFamiliesOnlyWithBackends() {
        let none = PrometheusExposition(
            requests: 0,
            errors: 0,
            workersReady: 1,
            workersDesired: 1,
            generation: 1,
            uptimeSeconds: 0,
            methods: [:]
        ).text
        #expect(!none.contains("rpcd_backend_"))
        let text = PrometheusExposition(
            requests: 0,
            errors: 0,
            workersReady: 1,
            workersDesired: 1,
            generation: 1,
            uptimeSeconds: 0,
            methods: [:],
            backends: [
                .init(name: "go", calls: 7, errors: 1, restarts: 2, queued: 0),
                .init(name: "py", calls: 3, errors: 0, restarts: 0, queued: 5),
            ]
        ).text
        #expect(text.contains("# TYPE rpcd_backend_calls_total counter\n"))
        #expect(
            text.contains("rpcd_backend_calls_total{backend=\"go\"} 7\nrpcd_backend_calls_total{backend=\"py\"} 3\n")
        )
        #expect(text.contains("rpcd_backend_errors_total{backend=\"go\"} 1\n"))
        #expect(text.contains("rpcd_backend_restarts_total{backend=\"go\"} 2\n"))
        #expect(text.contains("# TYPE rpcd_backend_queued gauge\nrpcd_backend_queued{backend=\"go\"} 0\n"))
        #expect(text.contains("rpcd_backend_queued{backend=\"py\"} 5\n"))
    }
}
