import Logging
import Testing

@testable import RPCDLogging

@Suite("Journal entries")
struct JournalFieldsTests {
    @Test func aRecordBecomesJournalFieldsWithValidNames() {
        var record = LogRecordTests.record(
            level: .warning,
            message: "first line\nsecond line",
            metadata: [
                "worker.pid": "42", "rpc.method": "sum", "_trusted": "x", "1st": "y", "message": "clash",
                "list": .array(["a", "b"]),
            ],
            worker: 3
        )
        record.file = "RPCDDaemon/Master/MasterCore.swift"
        record.function = "reapChildren()"
        record.line = 120
        let fields = Dictionary(record.journalFields.map { ($0.name, $0.value) }) { first, _ in first }
        #expect(fields["MESSAGE"] == "first line\nsecond line")
        #expect(fields["PRIORITY"] == "4")
        #expect(fields["SYSLOG_IDENTIFIER"] == "rpcd")
        #expect(fields["CODE_FILE"] == "RPCDDaemon/Master/MasterCore.swift")
        #expect(fields["CODE_LINE"] == "120")
        #expect(fields["CODE_FUNC"] == "reapChildren()")
        #expect(fields["RPCD_WORKER"] == "3")
        #expect(fields["WORKER_PID"] == "42")
        #expect(fields["RPC_METHOD"] == "sum")
        #expect(fields["TRUSTED"] == "x")
        #expect(fields["F_1ST"] == "y")
        #expect(fields["META_MESSAGE"] == "clash")
        #expect(fields["LIST"] == #"["a","b"]"#)
        #expect(record.journalFields.count == fields.count, "no field twice")
    }

    @Test func theMasterHasNoWorkerField() {
        let names = LogRecordTests.record().journalFields.map(\.name)
        #expect(!names.contains("RPCD_WORKER"))
        #expect(names.first == "MESSAGE")
    }
}
