import Foundation
import Logging
import Testing

@testable import RPCDLogging

@Suite("Log line formats")
struct LogRecordTests {
    static func record(
        level: Logger.Level = .info,
        message: String = "listening",
        metadata: Logger.Metadata = [:],
        worker: Int? = nil
    ) -> LogRecord {
        LogRecord(
            timestamp: "2026-11-21T21:57:13.123Z",
            level: level,
            label: "rpcd",
            message: message,
            metadata: metadata,
            pid: 4242,
            worker: worker
        )
    }

    @Test(
        "text lines",
        arguments: [
            (record(), "2026-11-21T21:57:13.123Z info rpcd: listening\n"),
            (
                record(metadata: ["role": "ndjson", "endpoint": "tcp://127.0.0.1:7700"]),
                "2026-11-21T21:57:13.123Z info rpcd: listening endpoint=tcp://127.0.0.1:7700 role=ndjson\n"
            ),
            (record(level: .warning, worker: 3), "2026-11-21T21:57:13.123Z warning rpcd [worker 3]: listening\n"),
            (
                record(
                    message: "two\nlines\tand\u{1}",
                    metadata: ["empty": "", "spaced": "a b", "quoted": "say \"hi\" \\o/"]
                ),
                #"2026-11-21T21:57:13.123Z info rpcd: two\nlines\tand\u{1} empty="" quoted="say \"hi\" \\o/" spaced="a b""#
                    + "\n"
            ),
            (
                record(metadata: ["list": ["a", "b"], "map": ["k": "v"], "count": .stringConvertible(42)]),
                #"2026-11-21T21:57:13.123Z info rpcd: listening count=42 list=["a","b"] map={"k":"v"}"# + "\n"
            ),
            (
                record(metadata: ["equals": "a=b"]),
                #"2026-11-21T21:57:13.123Z info rpcd: listening equals="a=b""# + "\n"
            ),
        ]
    )
    func textLines(_ record: LogRecord, _ line: String) {
        #expect(record.line(.text) == line)
    }

    @Test("the syslog message has no timestamp or level")
    func syslogMessage() {
        #expect(Self.record(metadata: ["a": "1"], worker: 2).syslogMessage == "rpcd [worker 2]: listening a=1")
    }

    @Test("JSON lines carry ts, level, msg, pid, worker, logger, then the metadata")
    func jsonLine() throws {
        let record = Self.record(
            level: .error,
            message: "quote \" backslash \\ newline \n control \u{1} emoji 🦆 é",
            metadata: [
                "rpc.method": "echo",
                "list": ["a", .stringConvertible(1)],
                "nested": ["inner": ["x"]],
                "level": "shadowed",
            ],
            worker: 7
        )
        let line = record.line(.json)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        #expect(line.hasPrefix(#"{"ts":"2026-11-21T21:57:13.123Z","level":"error","msg":"#))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        )
        #expect(object["ts"] as? String == "2026-11-21T21:57:13.123Z")
        #expect(object["level"] as? String == "error")
        #expect(object["msg"] as? String == "quote \" backslash \\ newline \n control \u{1} emoji 🦆 é")
        #expect(object["pid"] as? Int == 4242)
        #expect(object["worker"] as? Int == 7)
        #expect(object["logger"] as? String == "rpcd")
        #expect(object["rpc.method"] as? String == "echo")
        #expect(object["list"] as? [String] == ["a", "1"])
        #expect((object["nested"] as? [String: Any])?["inner"] as? [String] == ["x"])
        #expect(object["meta.level"] as? String == "shadowed")
        #expect(object.count == 10)
    }

    @Test("JSON lines outside a worker have no worker key")
    func jsonWithoutWorker() throws {
        let line = Self.record().line(.json)
        #expect(
            line == #"{"ts":"2026-11-21T21:57:13.123Z","level":"info","msg":"listening","pid":4242,"logger":"rpcd"}"#
                + "\n"
        )
    }

    @Test(
        "JSON string escapes",
        arguments: [
            ("plain", #""plain""#), ("\"", #""\"""#), ("\\", #""\\""#), ("\u{0}", #""\u0000""#),
            ("\u{1f}", #""\u001f""#),
            ("\r\n\t", #""\r\n\t""#), ("\u{7f}", "\"\u{7f}\""), ("/", #""/""#), ("é🦆", "\"é🦆\""),
        ]
    )
    func jsonEscapes(_ string: String, _ literal: String) {
        var json = ""
        LogRecord.appendJSONString(string, to: &json)
        #expect(json == literal)
    }
}
