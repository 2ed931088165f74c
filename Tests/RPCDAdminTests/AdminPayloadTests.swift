import JSONRPC
import RPCDAdmin
import Testing

/// The result and params types carry exactly the member names DESIGN §7 fixes, both ways.
@Suite("Admin payloads")
struct AdminPayloadTests {
    static let status = StatusResult(
        version: "0.1.0",
        pid: 4242,
        mode: "systemd",
        uptimeSeconds: 192,
        generation: 3,
        workers: .init(desired: 4, ready: 3),
        listeners: [
            .init(endpoint: "tcp://127.0.0.1:0", role: "ndjson", address: "127.0.0.1:40123"),
            .init(endpoint: "unix:/run/rpcd/admin.sock", role: "admin", address: "/run/rpcd/admin.sock"),
        ],
        requests: 1234,
        errors: 5
    )

    static let worker = WorkerInfo(
        id: 1,
        pid: 4300,
        generation: 3,
        state: "ready",
        uptimeSeconds: 61.5,
        requests: 600,
        errors: 2,
        inFlight: 1,
        connections: 7,
        rssBytes: 12_897_484,
        restarts: 0
    )

    @Test("status has version, pid, mode, uptime_seconds, generation, workers, listeners, requests, errors")
    func statusNames() throws {
        let json = try Self.status.jsonValue()
        #expect(
            json.jsonText
                == #"{"version":"0.1.0","pid":4242,"mode":"systemd","uptime_seconds":192,"generation":3,"#
                + #""workers":{"desired":4,"ready":3},"listeners":[{"endpoint":"tcp://127.0.0.1:0","role":"ndjson","#
                + #""address":"127.0.0.1:40123"},{"endpoint":"unix:/run/rpcd/admin.sock","role":"admin","#
                + #""address":"/run/rpcd/admin.sock"}],"requests":1234,"errors":5,"draining":false}"#
        )
        #expect(try StatusResult(jsonValue: json) == Self.status)
    }

    @Test("a status with extra members still decodes")
    func statusExtraMembers() throws {
        guard case .object(var object) = try Self.status.jsonValue() else {
            Issue.record("not an object")
            return
        }
        object["future_field"] = ["anything": true]
        #expect(try StatusResult(jsonValue: .object(object)) == Self.status)
    }

    @Test("workers is an array of objects with the worker member names")
    func workerNames() throws {
        let json = try [Self.worker].jsonValue()
        #expect(
            json.jsonText
                == #"[{"id":1,"pid":4300,"generation":3,"state":"ready","uptime_seconds":61.5,"requests":600,"#
                + #""errors":2,"in_flight":1,"connections":7,"rss_bytes":12897484,"restarts":0}]"#
        )
        #expect(try [WorkerInfo](jsonValue: json) == [Self.worker])
        #expect(try [WorkerInfo](jsonValue: []) == [])
    }

    @Test("backends is an array with DESIGN §10.2's member names")
    func backendNames() throws {
        let backend = BackendInfo(
            name: "py",
            methods: ["py.upper"],
            instances: .init(desired: 2, ready: 2),
            calls: 9,
            errors: 1,
            inFlight: 0,
            queued: 0,
            restarts: 1,
            p50Ms: 0.5,
            p99Ms: 2,
            processes: [.init(pid: 77, worker: 1, state: "ready", calls: 9, rssBytes: 1024)]
        )
        let json = try [backend].jsonValue()
        #expect(
            json.jsonText
                == #"[{"name":"py","methods":["py.upper"],"instances":{"desired":2,"ready":2},"calls":9,"errors":1,"#
                + #""in_flight":0,"queued":0,"restarts":1,"p50_ms":0.5,"p99_ms":2,"#
                + #""processes":[{"pid":77,"worker":1,"state":"ready","calls":9,"rss_bytes":1024}]}]"#
        )
        #expect(try [BackendInfo](jsonValue: json) == [backend])
    }

    @Test("reload, scale, log_level and shutdown results")
    func smallResults() throws {
        #expect(
            try ReloadResult(generation: 4, durationMs: 850.5).jsonValue().jsonText
                == #"{"generation":4,"duration_ms":850.5}"#
        )
        #expect(try ScaleResult(workers: 4).jsonValue().jsonText == #"{"workers":4}"#)
        #expect(try LogLevelResult(level: "info").jsonValue().jsonText == #"{"level":"info"}"#)
        #expect(
            try ShutdownResult(stopping: true, quick: false).jsonValue().jsonText == #"{"stopping":true,"quick":false}"#
        )
        #expect(
            try ReloadResult(jsonValue: ["generation": 2, "duration_ms": 12])
                == ReloadResult(generation: 2, durationMs: 12)
        )
        #expect(
            try ShutdownResult(jsonValue: ["stopping": true, "quick": true])
                == ShutdownResult(stopping: true, quick: true)
        )
    }

    @Test("params: scale {workers}, log_level {level} or {}, shutdown {quick}")
    func params() throws {
        #expect(try ScaleParams(workers: 3).jsonValue().jsonText == #"{"workers":3}"#)
        #expect(try LogLevelParams(level: "debug").jsonValue().jsonText == #"{"level":"debug"}"#)
        #expect(try LogLevelParams().jsonValue().jsonText == "{}")
        #expect(try ShutdownParams(quick: true).jsonValue().jsonText == #"{"quick":true}"#)
        #expect(try ShutdownParams(jsonValue: [:]) == ShutdownParams(quick: false))
        #expect(try LogLevelParams(jsonValue: [:]) == LogLevelParams(level: nil))
        #expect(ScaleParams.parameterNames == ["workers"])
        #expect(LogLevelParams.parameterNames == ["level"])
        #expect(ShutdownParams.parameterNames == ["quick"])
    }

    @Test("stats: methods by name with calls, errors, p50_ms, p90_ms, p99_ms, names sorted")
    func statsNames() throws {
        let stats = StatsResult(methods: [
            "sum": .init(calls: 10, errors: 1, p50Ms: 0.25, p90Ms: 1, p99Ms: 2.5),
            "echo": .init(calls: 3, errors: 0, p50Ms: 0.1, p90Ms: 0.2, p99Ms: 0.3),
        ])
        let json = try stats.jsonValue()
        #expect(
            json.jsonText
                == #"{"methods":{"echo":{"calls":3,"errors":0,"p50_ms":0.1,"p90_ms":0.2,"p99_ms":0.3},"#
                + #""sum":{"calls":10,"errors":1,"p50_ms":0.25,"p90_ms":1,"p99_ms":2.5}}}"#
        )
        #expect(try StatsResult(jsonValue: json) == stats)
        #expect(try StatsResult(jsonValue: ["methods": [:]]) == StatsResult(methods: [:]))
    }

    @Test("config: KEY → {value, source, reload}, in the daemon's order")
    func configNames() throws {
        let config = ConfigResult(entries: [
            .init(key: "RPCD_WORKERS", value: "4", source: "env", reload: "rolling"),
            .init(key: "RPCD_AUTH_TOKEN_FILE", value: "", source: "default", reload: "rolling"),
            .init(key: "RPCD_LOG_LEVEL", value: "info", source: "file /etc/rpcd/rpcd.env", reload: "live"),
        ])
        let json = try config.jsonValue()
        #expect(
            json.jsonText
                == #"{"RPCD_WORKERS":{"value":"4","source":"env","reload":"rolling"},"#
                + #""RPCD_AUTH_TOKEN_FILE":{"value":"","source":"default","reload":"rolling"},"#
                + #""RPCD_LOG_LEVEL":{"value":"info","source":"file /etc/rpcd/rpcd.env","reload":"live"}}"#
        )
        #expect(try ConfigResult(jsonValue: json) == config)
        #expect(try ConfigResult(jsonValue: json)["RPCD_LOG_LEVEL"]?.reload == "live")
    }

    @Test("drain takes {draining} (default true) and answers {draining, connections}; status.draining")
    func drainPayloads() throws {
        #expect(try DrainParams(jsonValue: [:]) == DrainParams(draining: true))
        #expect(try DrainParams(jsonValue: ["draining": false]).draining == false)
        #expect(try DrainParams(draining: false).jsonValue().jsonText == #"{"draining":false}"#)
        #expect(DrainParams.parameterNames == ["draining"])
        let result = DrainResult(draining: true, connections: 3)
        #expect(try result.jsonValue().jsonText == #"{"draining":true,"connections":3}"#)
        #expect(try DrainResult(jsonValue: result.jsonValue()) == result)
        var status = Self.status
        status.draining = true
        guard case .object(let object) = try status.jsonValue() else {
            Issue.record("not an object")
            return
        }
        #expect(object["draining"] == .bool(true))
        #expect(try StatusResult(jsonValue: .object(object)) == status)
        // A daemon from before DESIGN §12 says nothing: not draining.
        var older = object
        older["draining"] = nil
        #expect(try StatusResult(jsonValue: .object(older)).draining == false)
    }

    @Test("a result missing a member does not decode")
    func missingMember() {
        #expect(throws: DecodingError.self) { try ScaleResult(jsonValue: [:]) }
        #expect(throws: DecodingError.self) { try StatusResult(jsonValue: ["version": "1"]) }
    }

    @Test("method names on the wire")
    func methodNames() {
        #expect(
            AdminMethod.allCases.map(\.rawValue) == [
                "status", "workers", "reload", "shutdown", "drain", "scale", "log_level", "stats", "backends", "config",
                "reopen_logs",
            ]
        )
    }
}
