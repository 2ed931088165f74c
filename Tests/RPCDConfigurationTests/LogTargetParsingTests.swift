import RPCDConfiguration
import RPCDLogging
import Testing

@Suite("Log target syntax")
struct LogTargetParsingTests {
    @Test(
        "log targets parse and print",
        arguments: [
            ("auto", LogTarget.auto, "auto"), ("JOURNALD", .journald, "journald"), ("stderr", .stderr, "stderr"),
            ("syslog", .syslog, "syslog"),
            ("file:/var/log/rpcd.log", .file(path: "/var/log/rpcd.log"), "file:/var/log/rpcd.log"),
            ("file:rpcd.log", .file(path: "/srv/rpcd.log"), "file:/srv/rpcd.log"),
        ]
    )
    func targets(_ text: String, _ target: LogTarget, _ canonical: String) {
        #expect(LogTarget.parse(text, currentDirectory: "/srv") == target)
        #expect(target.description == canonical)
    }

    @Test("invalid log targets", arguments: ["", "file:", "journal", "file", "stdout"])
    func invalidTargets(_ text: String) {
        #expect(LogTarget.parse(text, currentDirectory: "/") == nil)
    }
}
