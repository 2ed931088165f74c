internal import Logging
internal import RPCDSystem

extension LogRecord {
    /// Fields rpcd sets itself; a metadata key that would sanitise to one of them is prefixed
    /// instead of overwriting it.
    private static let ownJournalFields: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "RPCD_WORKER",
    ]

    /// The record as journal fields: `MESSAGE` (multi-line kept), `PRIORITY`,
    /// `SYSLOG_IDENTIFIER=rpcd`, the call site, `RPCD_WORKER` in a worker, then every metadata
    /// key under a valid field name (`worker.pid` → `WORKER_PID`).
    var journalFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", self.message),
            ("PRIORITY", String(self.syslogPriority)),
            ("SYSLOG_IDENTIFIER", "rpcd"),
        ]
        if !self.file.isEmpty {
            fields.append(("CODE_FILE", self.file))
            fields.append(("CODE_LINE", String(self.line)))
            fields.append(("CODE_FUNC", self.function))
        }
        if let worker = self.worker {
            fields.append(("RPCD_WORKER", String(worker)))
        }
        for key in self.metadata.keys.sorted() {
            var name = SystemdJournal.fieldName(for: key)
            if Self.ownJournalFields.contains(name) {
                name = String(("META_" + name).prefix(64))
            }
            fields.append((name, Self.plainValue(self.metadata[key]!)))
        }
        return fields
    }

    /// The syslog(3) priority of the level, which journald's `PRIORITY` uses too.
    var syslogPriority: Int32 {
        switch self.level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
