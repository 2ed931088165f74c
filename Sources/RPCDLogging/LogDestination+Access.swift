internal import RPCDSystem

extension LogDestination {
    /// Writes one access log record (`RPCD_ACCESS_LOG=on`): a line on stderr and in a log file,
    /// journal fields natively, the text fields through syslog.
    func write(access record: AccessLogRecord, worker: Int?, format: LogFormat) {
        switch self {
        case .standardError, .file:
            var line: [UInt8] = []
            AccessLogFormatter.append(
                record,
                timestamp: WallClock.iso8601Now().utf8,
                worker: worker,
                format: format,
                to: &line
            )
            let text = String(decoding: line, as: UTF8.self)
            if case .file(let descriptor, _) = self {
                FileDescriptorWriter.writeAll(descriptor, text)
            } else {
                StandardError.write(text)
            }
        case .syslog:
            let prefix = worker.map { "rpcd [worker \($0)] access: " } ?? "rpcd access: "
            SystemLog.send(prefix + AccessLogFormatter.message(record), priority: 6)
        case .journald:
            do {
                try SystemdJournal.send(record.journalFields(worker: worker))
            } catch {
                // As for log records: journald went away, the record still goes somewhere.
                LogDestination.standardError.write(access: record, worker: worker, format: format)
            }
        }
    }
}
