package import JSONRPC

/// The human rendering of each admin result: short aligned tables and `key  value` lines.
package enum AdminOutput {
    /// `key  value` lines; listeners get one line each, with role, endpoint and bound address aligned.
    package static func status(_ status: StatusResult) -> String {
        var table = TextTable(rows: [
            ["version", status.version],
            ["pid", String(status.pid)],
            ["mode", status.mode],
            ["uptime", HumanUnits.duration(seconds: status.uptimeSeconds)],
            ["generation", String(status.generation)],
            ["workers", "\(status.workers.ready)/\(status.workers.desired) ready"],
            ["requests", String(status.requests)],
            ["errors", String(status.errors)],
            ["draining", status.draining ? "yes" : "no"],
        ])
        let listeners = TextTable(rows: status.listeners.map { [$0.role, $0.endpoint, $0.address] }).rendered
        let lines = listeners.split(separator: "\n")
        if lines.isEmpty {
            table.rows.append(["listeners", "none"])
        }
        for (index, line) in lines.enumerated() {
            table.rows.append([index == 0 ? "listeners" : "", String(line)])
        }
        return table.rendered
    }

    /// A table with the header ID PID GEN STATE UPTIME REQUESTS ERRORS IN-FLIGHT CONNS RSS RESTARTS.
    package static func workers(_ workers: [WorkerInfo]) -> String {
        guard !workers.isEmpty else {
            return "no worker processes (single-process mode)\n"
        }
        return TextTable(
            header: [
                "ID", "PID", "GEN", "STATE", "UPTIME", "REQUESTS", "ERRORS", "IN-FLIGHT", "CONNS", "RSS", "RESTARTS",
            ],
            alignments: [.right, .right, .right, .left, .right, .right, .right, .right, .right, .right, .right],
            rows: workers.map { worker in
                [
                    String(worker.id), String(worker.pid), String(worker.generation), worker.state,
                    HumanUnits.duration(seconds: worker.uptimeSeconds), String(worker.requests),
                    String(worker.errors), String(worker.inFlight), String(worker.connections),
                    HumanUnits.bytes(worker.rssBytes), String(worker.restarts),
                ]
            }
        ).rendered
    }

    /// `reloaded: generation 3 in 850ms`.
    package static func reload(_ result: ReloadResult) -> String {
        "reloaded: generation \(result.generation) in \(HumanUnits.milliseconds(result.durationMs))\n"
    }

    /// `rpcd is stopping (graceful)` or `(quick)`.
    package static func shutdown(_ result: ShutdownResult) -> String {
        guard result.stopping else {
            return "rpcd is not stopping\n"
        }
        return "rpcd is stopping (\(result.quick ? "quick" : "graceful"))\n"
    }

    /// `draining: 3 connections open` or `serving (not draining): 3 connections open`.
    package static func drain(_ result: DrainResult) -> String {
        let connections = "\(result.connections) connection\(result.connections == 1 ? "" : "s") open"
        return result.draining ? "draining: \(connections)\n" : "serving (not draining): \(connections)\n"
    }

    /// `workers: 4`.
    package static func scale(_ result: ScaleResult) -> String {
        "workers: \(result.workers)\n"
    }

    /// `log level: info`.
    package static func logLevel(_ result: LogLevelResult) -> String {
        "log level: \(result.level)\n"
    }

    /// A table METHOD CALLS ERRORS P50 P90 P99, methods in name order.
    package static func stats(_ stats: StatsResult) -> String {
        guard !stats.methods.isEmpty else {
            return "no calls yet\n"
        }
        return TextTable(
            header: ["METHOD", "CALLS", "ERRORS", "P50", "P90", "P99"],
            alignments: [.left, .right, .right, .right, .right, .right],
            rows: stats.methods.keys.sorted().map { name in
                let method = stats.methods[name]!
                return [
                    name, String(method.calls), String(method.errors), HumanUnits.milliseconds(method.p50Ms),
                    HumanUnits.milliseconds(method.p90Ms), HumanUnits.milliseconds(method.p99Ms),
                ]
            }
        ).rendered
    }

    /// A table KEY VALUE SOURCE RELOAD in the daemon's key order; an empty value shows as `-`.
    package static func config(_ config: ConfigResult) -> String {
        TextTable(
            header: ["KEY", "VALUE", "SOURCE", "RELOAD"],
            rows: config.entries.map { [$0.key, $0.value.isEmpty ? "-" : $0.value, $0.source, $0.reload] }
        ).rendered
    }

    /// `log files reopened`.
    package static func reopenLogs(_ result: JSONValue) -> String {
        "log files reopened\n"
    }
}
