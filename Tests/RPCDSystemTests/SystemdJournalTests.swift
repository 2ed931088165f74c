import Testing

@testable import RPCDSystem

@Suite struct SystemdJournalTests {
    @Test(
        arguments: [
            ("rpc.method", "RPC_METHOD"), ("worker.id", "WORKER_ID"), ("error", "ERROR"),
            ("_SYSTEMD_UNIT", "SYSTEMD_UNIT"), ("__x", "X"), ("9lives", "F_9LIVES"), ("", "F_"), ("_", "F_"),
            ("sender-pid", "SENDER_PID"), ("café", "CAF_"), ("ALREADY_OK_1", "ALREADY_OK_1"),
            (String(repeating: "a", count: 80), String(repeating: "A", count: 64)),
        ]
    )
    func metadataKeysBecomeValidJournalFieldNames(key: String, expected: String) {
        let name = SystemdJournal.fieldName(for: key)
        #expect(name == expected)
        // journald's rule: [A-Z0-9_], not starting with '_' or a digit, at most 64 bytes.
        #expect(name.utf8.count <= 64 && !name.isEmpty)
        #expect(name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        #expect(name.first != "_" && !(name.first?.isNumber ?? true))
    }

    @Test func theNotifierIsSilentOutsideSystemd() throws {
        #expect(try SystemdNotifier.disabled.notify("READY=1") == false)
    }

    @Test func statusLinesAreOneLine() {
        #expect(SystemdNotifier.statusLine("a\nb\r\nc") == "a b c")
    }
}
