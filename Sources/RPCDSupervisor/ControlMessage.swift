package import JSONRPC

/// A message on the control socketpair between the master and one worker (one JSON object per line).
package enum ControlMessage: Sendable, Equatable {
    /// Worker → master: listeners adopted, serving.
    case ready
    /// Worker → master, every `heartbeatInterval` while every event loop of the worker turns:
    /// totals and per-method statistics since the worker started.
    case heartbeat(WorkerStats, methods: [String: MethodStatisticsSnapshot])
    /// Master → worker: stop accepting, finish in-flight calls, exit.
    case drain
    /// Master → worker: set the log level.
    case logLevel(String)
    /// Master → worker: reopen the log file.
    case reopenLogs
    /// Master → worker, every second: the service-wide `GET /metrics` text to serve.
    case metrics(String)

    /// How often a healthy worker reports.
    package static let heartbeatInterval: Duration = .milliseconds(500)

    /// The message as one JSON text (no newline).
    package var encoded: [UInt8] {
        let value: JSONValue
        switch self {
        case .ready:
            value = ["type": "ready"]
        case .heartbeat(let stats, let methods):
            value = [
                "type": "heartbeat",
                "requests": .number(JSONNumber(stats.requests)),
                "errors": .number(JSONNumber(stats.errors)),
                "in_flight": .number(JSONNumber(stats.inFlight)),
                "connections": .number(JSONNumber(stats.connections)),
                "methods": .object(
                    JSONObject(methods.sorted { $0.key < $1.key }.map { ($0.key, Self.encode($0.value)) })
                ),
            ]
        case .drain:
            value = ["type": "drain"]
        case .logLevel(let level):
            value = ["type": "log_level", "level": .string(level)]
        case .reopenLogs:
            value = ["type": "reopen_logs"]
        case .metrics(let text):
            value = ["type": "metrics", "text": .string(text)]
        }
        return JSONWriter.serialize(value)
    }

    /// Decodes one line; nil for anything unknown (a newer peer's message is ignored, not fatal).
    package init?(_ bytes: UnsafeRawBufferPointer) {
        guard case .object(let object)? = try? JSONParser(maxDepth: 6).parse(bytes),
            case .string(let type)? = object["type"]
        else { return nil }
        func integer(_ key: String) -> Int {
            if case .number(let number)? = object[key], let value = number.int64 { return Int(value) }
            return 0
        }
        switch type {
        case "ready":
            self = .ready
        case "heartbeat":
            var methods: [String: MethodStatisticsSnapshot] = [:]
            if case .object(let encoded)? = object["methods"] {
                for (name, value) in encoded {
                    methods[name] = Self.decode(value)
                }
            }
            self = .heartbeat(
                WorkerStats(
                    requests: integer("requests"),
                    errors: integer("errors"),
                    inFlight: integer("in_flight"),
                    connections: integer("connections")
                ),
                methods: methods
            )
        case "drain":
            self = .drain
        case "log_level":
            guard case .string(let level)? = object["level"] else { return nil }
            self = .logLevel(level)
        case "reopen_logs":
            self = .reopenLogs
        case "metrics":
            guard case .string(let text)? = object["text"] else { return nil }
            self = .metrics(text)
        default:
            return nil
        }
    }

    /// `{"calls": N, "errors": N, "latency": [[bucket, count], ...]}`, only non-empty buckets.
    private static func encode(_ snapshot: MethodStatisticsSnapshot) -> JSONValue {
        var buckets: [JSONValue] = []
        for (index, count) in snapshot.latency.counts.enumerated() where count > 0 {
            buckets.append([.number(JSONNumber(index)), .number(JSONNumber(count))])
        }
        return [
            "calls": .number(JSONNumber(snapshot.calls)),
            "errors": .number(JSONNumber(snapshot.errors)),
            "latency": .array(buckets),
        ]
    }

    private static func decode(_ value: JSONValue) -> MethodStatisticsSnapshot? {
        guard case .object(let object) = value, case .number(let calls)? = object["calls"],
            case .number(let errors)? = object["errors"], case .array(let buckets)? = object["latency"]
        else { return nil }
        var counts = Array(repeating: 0, count: LatencyHistogram.bucketCount)
        for bucket in buckets {
            guard case .array(let pair) = bucket, pair.count == 2, case .number(let index) = pair[0],
                case .number(let count) = pair[1], let slot = index.int64, let n = count.int64,
                slot >= 0, slot < Int64(counts.count), n >= 0
            else { return nil }
            counts[Int(slot)] = Int(n)
        }
        guard let latency = LatencyHistogram(counts: counts) else { return nil }
        var snapshot = MethodStatisticsSnapshot()
        snapshot.calls = Int(calls.int64 ?? 0)
        snapshot.errors = Int(errors.int64 ?? 0)
        snapshot.latency = latency
        return snapshot
    }
}
