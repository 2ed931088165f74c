package import JSONRPC

/// A message on the control socketpair between the master and one worker (one JSON object per line).
package enum ControlMessage: Sendable, Equatable {
    /// Worker → master: listeners adopted, serving.
    case ready
    /// Worker → master, every `heartbeatInterval` while every event loop of the worker turns:
    /// totals and per-method statistics since the worker started, and its backend pools' figures
    /// (each in the form RPCDBackends gives it; the master only keeps and merges them).
    case heartbeat(WorkerStats, methods: [String: MethodStatisticsSnapshot], backends: [JSONValue] = [])
    /// Master → worker: stop accepting, finish in-flight calls, exit.
    case drain
    /// Master → worker: take the service out of rotation (`true`) or back in (DESIGN §12); sent
    /// to every worker when it changes and to each new worker first.
    case draining(Bool)
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
        case .heartbeat(let stats, let methods, let backends):
            value = [
                "type": "heartbeat",
                "requests": .number(JSONNumber(stats.requests)),
                "errors": .number(JSONNumber(stats.errors)),
                "in_flight": .number(JSONNumber(stats.inFlight)),
                "connections": .number(JSONNumber(stats.connections)),
                "methods": .object(
                    JSONObject(methods.sorted { $0.key < $1.key }.map { ($0.key, $0.value.jsonValue) })
                ),
                "backends": .array(backends),
            ]
        case .drain:
            value = ["type": "drain"]
        case .draining(let draining):
            value = ["type": "draining", "draining": .bool(draining)]
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
        guard case .object(let object)? = try? JSONParser(maxDepth: 8).parse(bytes),
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
                    methods[name] = MethodStatisticsSnapshot(jsonValue: value)
                }
            }
            self = .heartbeat(
                WorkerStats(
                    requests: integer("requests"),
                    errors: integer("errors"),
                    inFlight: integer("in_flight"),
                    connections: integer("connections")
                ),
                methods: methods,
                backends: { if case .array(let backends)? = object["backends"] { backends } else { [] } }()
            )
        case "drain":
            self = .drain
        case "draining":
            guard case .bool(let draining)? = object["draining"] else { return nil }
            self = .draining(draining)
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
}
