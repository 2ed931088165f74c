internal import JSONRPC
internal import RPCDSupervisor

/// A message on the control socketpair between the master and one worker (one JSON object per line).
enum ControlMessage: Sendable, Equatable {
    /// Worker → master: listeners adopted, serving.
    case ready
    /// Worker → master, every `heartbeatInterval` while every event loop of the worker turns.
    case heartbeat(WorkerStats)
    /// Master → worker: stop accepting, finish in-flight calls, exit.
    case drain
    /// Master → worker: set the log level.
    case logLevel(String)
    /// Master → worker: reopen the log file.
    case reopenLogs

    /// How often a healthy worker reports.
    static let heartbeatInterval: Duration = .milliseconds(500)

    /// The message as one JSON text (no newline).
    var encoded: [UInt8] {
        let value: JSONValue
        switch self {
        case .ready:
            value = ["type": "ready"]
        case .heartbeat(let stats):
            value = [
                "type": "heartbeat",
                "requests": .number(JSONNumber(stats.requests)),
                "errors": .number(JSONNumber(stats.errors)),
                "in_flight": .number(JSONNumber(stats.inFlight)),
                "connections": .number(JSONNumber(stats.connections)),
            ]
        case .drain:
            value = ["type": "drain"]
        case .logLevel(let level):
            value = ["type": "log_level", "level": .string(level)]
        case .reopenLogs:
            value = ["type": "reopen_logs"]
        }
        return JSONWriter.serialize(value)
    }

    /// Decodes one line; nil for anything unknown (a newer peer's message is ignored, not fatal).
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard case .object(let object)? = try? JSONParser(maxDepth: 4).parse(bytes),
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
            self = .heartbeat(
                WorkerStats(
                    requests: integer("requests"),
                    errors: integer("errors"),
                    inFlight: integer("in_flight"),
                    connections: integer("connections")
                )
            )
        case "drain":
            self = .drain
        case "log_level":
            guard case .string(let level)? = object["level"] else { return nil }
            self = .logLevel(level)
        case "reopen_logs":
            self = .reopenLogs
        default:
            return nil
        }
    }
}
