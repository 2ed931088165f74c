package import JSONRPC

extension BackendPoolSnapshot {
    /// The form a worker's heartbeat carries to the master (latency as histogram buckets, so
    /// that the master can merge workers' percentiles).
    package var jsonValue: JSONValue {
        [
            "name": .string(self.name),
            "methods": .array(self.methods.map(JSONValue.string)),
            "desired": .number(JSONNumber(self.desiredInstances)),
            "ready": .number(JSONNumber(self.readyInstances)),
            "in_flight": .number(JSONNumber(self.inFlight)),
            "queued": .number(JSONNumber(self.queued)),
            "restarts": .number(JSONNumber(self.restarts)),
            "statistics": self.statistics.jsonValue,
            "processes": .array(
                self.processes.map { process in
                    [
                        "pid": .number(JSONNumber(Int(process.pid))),
                        "state": .string(process.state),
                        "calls": .number(JSONNumber(process.calls)),
                        "rss_bytes": .number(JSONNumber(process.rssBytes)),
                    ]
                }
            ),
        ]
    }

    /// Decodes ``jsonValue``'s form; nil when the shape is wrong (a report that does not decode
    /// is left out, it never takes the admin answer down).
    package init?(jsonValue: JSONValue) {
        guard case .object(let object) = jsonValue, case .string(let name)? = object["name"],
            case .array(let methods)? = object["methods"], case .array(let processes)? = object["processes"],
            let statistics = object["statistics"].flatMap(MethodStatisticsSnapshot.init(jsonValue:))
        else { return nil }
        func integer(_ object: JSONObject, _ key: String) -> Int? {
            if case .number(let number)? = object[key], let value = number.int64 { return Int(value) }
            return nil
        }
        var decoded: [Process] = []
        for process in processes {
            guard case .object(let fields) = process, let pid = integer(fields, "pid"),
                case .string(let state)? = fields["state"]
            else { return nil }
            decoded.append(
                Process(
                    pid: Int32(clamping: pid),
                    state: state,
                    calls: integer(fields, "calls") ?? 0,
                    rssBytes: integer(fields, "rss_bytes") ?? 0
                )
            )
        }
        self.init(
            name: name,
            methods: methods.compactMap { if case .string(let method) = $0 { method } else { nil } },
            desiredInstances: integer(object, "desired") ?? 0,
            readyInstances: integer(object, "ready") ?? 0,
            inFlight: integer(object, "in_flight") ?? 0,
            queued: integer(object, "queued") ?? 0,
            restarts: integer(object, "restarts") ?? 0,
            statistics: statistics,
            processes: decoded
        )
    }
}
