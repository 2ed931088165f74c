extension AccessLogRecord {
    /// The record as native journal fields: `MESSAGE` (the text line without `ts`), `PRIORITY=6` (info),
    /// `SYSLOG_IDENTIFIER=rpcd`, `RPCD_WORKER` in a worker, then `RPCD_ACCESS_TRANSPORT`, `RPCD_ACCESS_PEER`,
    /// `RPCD_ACCESS_CREDENTIAL`, `RPCD_ACCESS_METHOD`, `RPCD_ACCESS_OUTCOME`, `RPCD_ACCESS_DURATION_US`,
    /// `RPCD_ACCESS_REQUEST_BYTES` and `RPCD_ACCESS_RESPONSE_BYTES` (absent peer and credential: `-`).
    func journalFields(worker: Int?) -> [(name: String, value: String)] {
        var outcome: [UInt8] = []
        AccessLogFormatter.appendOutcome(self.errorCode, to: &outcome)
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", AccessLogFormatter.message(self)),
            ("PRIORITY", "6"),
            ("SYSLOG_IDENTIFIER", "rpcd"),
        ]
        if let worker {
            fields.append(("RPCD_WORKER", String(worker)))
        }
        fields.append(("RPCD_ACCESS_TRANSPORT", self.transport))
        fields.append(("RPCD_ACCESS_PEER", self.peer.map { String(AccessLogFormatter.shortPeer($0)) } ?? "-"))
        fields.append(("RPCD_ACCESS_CREDENTIAL", self.credential ?? "-"))
        fields.append(("RPCD_ACCESS_METHOD", self.method.isEmpty ? "-" : self.method))
        fields.append(("RPCD_ACCESS_OUTCOME", String(decoding: outcome, as: UTF8.self)))
        fields.append(("RPCD_ACCESS_DURATION_US", String(self.durationMicroseconds)))
        fields.append(("RPCD_ACCESS_REQUEST_BYTES", String(self.requestBytes)))
        fields.append(("RPCD_ACCESS_RESPONSE_BYTES", String(self.responseBytes)))
        return fields
    }
}
