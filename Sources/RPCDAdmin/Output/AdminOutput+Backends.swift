extension AdminOutput {
    /// A table BACKEND READY CALLS ERRORS IN-FLIGHT QUEUED RESTARTS P50 P99 METHODS, then one
    /// indented line per process: its pid, its calls, and its worker, state and RSS in the last column.
    package static func backends(_ backends: [BackendInfo]) -> String {
        guard !backends.isEmpty else {
            return "no backends (declare them in RPCD_BACKENDS_DIR or with RPCD_BACKEND_<NAME>_COMMAND)\n"
        }
        var rows: [[String]] = []
        for backend in backends {
            rows.append([
                backend.name, "\(backend.instances.ready)/\(backend.instances.desired)", String(backend.calls),
                String(backend.errors), String(backend.inFlight), String(backend.queued), String(backend.restarts),
                HumanUnits.milliseconds(backend.p50Ms), HumanUnits.milliseconds(backend.p99Ms),
                backend.methods.joined(separator: ","),
            ])
            for process in backend.processes {
                rows.append([
                    "  pid \(process.pid)", "", String(process.calls), "", "", "", "", "", "",
                    "worker \(process.worker), \(process.state), \(HumanUnits.bytes(process.rssBytes))",
                ])
            }
        }
        return TextTable(
            header: [
                "BACKEND", "READY", "CALLS", "ERRORS", "IN-FLIGHT", "QUEUED", "RESTARTS", "P50", "P99", "METHODS",
            ],
            alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .right, .left],
            rows: rows
        ).rendered
    }
}
