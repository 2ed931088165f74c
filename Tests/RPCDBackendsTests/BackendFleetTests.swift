import JSONRPC
import Testing

@testable import RPCDBackends

@Suite("Backend figures across workers")
struct BackendFleetTests {
    static func snapshot(
        _ name: String,
        calls: Int,
        micros: Int64,
        pids: [Int32],
        methods: [String]
    )
        -> BackendPoolSnapshot
    {
        var statistics = MethodStatisticsSnapshot()
        for _ in 0..<calls { statistics.record(nanoseconds: micros * 1000, failed: false) }
        statistics.record(nanoseconds: micros * 1000, failed: true)
        return BackendPoolSnapshot(
            name: name,
            methods: methods,
            desiredInstances: pids.count,
            readyInstances: pids.count - 1,
            inFlight: 1,
            queued: 2,
            restarts: 3,
            statistics: statistics,
            processes: pids.map { .init(pid: $0, state: "ready", calls: calls, rssBytes: 4096) }
        )
    }

    @Test("a snapshot survives the heartbeat's JSON form, histogram included")
    func roundTrip() throws {
        let snapshot = Self.snapshot("py", calls: 5, micros: 300, pids: [41, 42], methods: ["py.upper", "py.add"])
        let line = JSONWriter.serialize(snapshot.jsonValue)
        let parsed = try JSONParser(maxDepth: 8).parse(line)
        #expect(BackendPoolSnapshot(jsonValue: parsed) == snapshot)
    }

    @Test("a report of the wrong shape is dropped, not half read")
    func wrongShape() {
        #expect(BackendPoolSnapshot(jsonValue: ["name": "py"]) == nil)
        #expect(BackendPoolSnapshot(jsonValue: .array([])) == nil)
        var broken = Self.snapshot("py", calls: 1, micros: 1, pids: [7], methods: []).jsonValue
        if case .object(var object) = broken {
            object["processes"] = .array([["state": "ready"]])
            broken = .object(object)
        }
        #expect(BackendPoolSnapshot(jsonValue: broken) == nil)
    }

    @Test("workers' pools of one name add up; processes keep their worker; names sorted")
    func merge() {
        let merged = BackendFleet.merge([
            (worker: 2, backends: [Self.snapshot("py", calls: 9, micros: 8000, pids: [21], methods: ["b", "a"])]),
            (
                worker: 1,
                backends: [
                    Self.snapshot("py", calls: 1, micros: 100, pids: [11, 12], methods: ["a"]),
                    Self.snapshot("go", calls: 0, micros: 100, pids: [13], methods: ["go.echo"]),
                ]
            ),
        ])
        #expect(merged.map(\.name) == ["go", "py"])
        let py = merged[1]
        #expect(py.methods == ["a", "b"])
        #expect(py.desiredInstances == 3)
        #expect(py.readyInstances == 1)
        #expect(py.inFlight == 2)
        #expect(py.queued == 4)
        #expect(py.restarts == 6)
        #expect(py.statistics.calls == 12)
        #expect(py.statistics.errors == 2)
        #expect(py.processes.map(\.pid) == [11, 12, 21])
        #expect(py.processes.map(\.worker) == [1, 1, 2])
        // 10 of 12 calls took 8 ms: the median is the slow worker's.
        #expect(py.statistics.latency.percentile(0.5) >= 8)
    }
}
