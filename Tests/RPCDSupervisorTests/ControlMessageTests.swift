import JSONRPC
import Testing

@testable import RPCDSupervisor

@Suite struct ControlMessageTests {
    private static func decode(_ bytes: [UInt8]) -> ControlMessage? {
        bytes.withUnsafeBytes { ControlMessage($0) }
    }

    static let statistics: [String: MethodStatisticsSnapshot] = {
        var counts = Array(repeating: 0, count: LatencyHistogram.bucketCount)
        counts[0] = 3
        counts[LatencyHistogram.bucketCount - 1] = 1
        var snapshot = MethodStatisticsSnapshot()
        snapshot.calls = 4
        snapshot.errors = 1
        snapshot.latency = LatencyHistogram(counts: counts)!
        return ["echo": snapshot, "sum": MethodStatisticsSnapshot()]
    }()

    @Test(arguments: [
        ControlMessage.ready, .drain, .draining(true), .draining(false), .reopenLogs, .logLevel("debug"),
        .metrics("rpcd_requests_total 1\n\"quoted\""),
        .heartbeat(WorkerStats(requests: 7, errors: 2, inFlight: 1, connections: 3), methods: [:]),
        .heartbeat(WorkerStats(requests: 1, errors: 0, inFlight: 0, connections: 0), methods: statistics),
        .heartbeat(WorkerStats(), methods: statistics, backends: [["name": "py", "ready": 1]]),
    ])
    func everyMessageSurvivesItsOwnEncoding(message: ControlMessage) {
        let encoded = message.encoded
        #expect(!encoded.contains(UInt8(ascii: "\n")), "one line per message")
        #expect(Self.decode(encoded) == message)
    }

    @Test(arguments: [
        "", "not json", "[]", "{}", #"{"type":1}"#, #"{"type":"from-a-newer-peer"}"#, #"{"type":"draining"}"#,
        #"{"type":"draining","draining":1}"#,
        #"{"type":"heartbeat","methods":{"echo":{"calls":1,"errors":0,"latency":[[99999,1]]}}}"#,
    ])
    func anythingElseIsIgnored(line: String) {
        let decoded = Self.decode(Array(line.utf8))
        if case .heartbeat(_, let methods, _)? = decoded {
            // A heartbeat whose statistics do not decode keeps its totals, not the bad figures.
            #expect(methods["echo"] == nil)
        } else {
            #expect(decoded == nil)
        }
    }
}
