import Foundation
import Testing

@testable import RPCDLogging

@Suite("Access log lines")
struct AccessLogFormatterTests {
    static func record(
        transport: String = "ndjson",
        peer: String? = "[IPv4]127.0.0.1/127.0.0.1:51234",
        credential: String? = nil,
        method: String = "sum",
        errorCode: Int? = nil
    ) -> AccessLogRecord {
        AccessLogRecord(
            transport: transport,
            peer: peer,
            credential: credential,
            method: method,
            errorCode: errorCode,
            durationMicroseconds: 17,
            requestBytes: 52,
            responseBytes: 36
        )
    }

    static func line(_ record: AccessLogRecord, worker: Int? = 2, format: LogFormat) -> String {
        var bytes: [UInt8] = []
        AccessLogFormatter.append(
            record,
            timestamp: "2026-11-21T21:57:13.123Z".utf8,
            worker: worker,
            format: format,
            to: &bytes
        )
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func textFieldsInTheirFixedOrder() {
        #expect(
            Self.line(Self.record(), format: .text)
                == "ts=2026-11-21T21:57:13.123Z worker=2 transport=ndjson peer=127.0.0.1:51234 credential=- "
                + "method=sum outcome=ok duration_us=17 request_bytes=52 response_bytes=36\n"
        )
    }

    @Test func textErrorCodeCredentialAndNoWorker() {
        #expect(
            Self.line(Self.record(peer: nil, credential: "alice", errorCode: -32601), worker: nil, format: .text)
                == "ts=2026-11-21T21:57:13.123Z worker=- transport=ndjson peer=- credential=alice "
                + "method=sum outcome=-32601 duration_us=17 request_bytes=52 response_bytes=36\n"
        )
    }

    @Test(
        "text values that are not plain are quoted and escaped",
        arguments: [
            ("a b", #""a b""#), ("x=1", #""x=1""#), (#"say "hi""#, #""say \"hi\"""#), (#"a\b"#, #""a\\b""#),
            ("two\nlines\r\t", #""two\nlines\r\t""#), ("bell\u{7}", #""bell\u{7}""#), ("del\u{7F}", #""del\u{7f}""#),
            ("", "-"), ("ünï.côdé", "ünï.côdé"),
        ]
    )
    func textEscaping(_ method: String, _ written: String) {
        let line = Self.line(Self.record(method: method), format: .text)
        #expect(line.contains(" method=\(written) outcome=ok "), "\(line)")
        #expect(line.filter { $0 == "\n" }.count == 1, "one record is one line: \(line)")
    }

    @Test func jsonLineParsesWithEveryField() throws {
        let line = Self.line(Self.record(credential: "token", errorCode: -32602), format: .json)
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-11-21T21:57:13.123Z")
        #expect(object["worker"] as? Int == 2)
        #expect(object["transport"] as? String == "ndjson")
        #expect(object["peer"] as? String == "127.0.0.1:51234")
        #expect(object["credential"] as? String == "token")
        #expect(object["method"] as? String == "sum")
        #expect(object["outcome"] as? String == "-32602")
        #expect(object["duration_us"] as? Int == 17)
        #expect(object["request_bytes"] as? Int == 52)
        #expect(object["response_bytes"] as? Int == 36)
        let keys = ["ts", "worker", "transport", "peer", "credential", "method", "outcome", "duration_us"]
        let positions = keys.map { line.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted(), "keys in the fixed order: \(line)")
    }

    @Test func jsonNullsForAbsentValues() {
        #expect(
            Self.line(Self.record(peer: nil), worker: nil, format: .json)
                == #"{"ts":"2026-11-21T21:57:13.123Z","worker":null,"transport":"ndjson","peer":null,"#
                + #""credential":null,"method":"sum","outcome":"ok","duration_us":17,"request_bytes":52,"#
                + "\"response_bytes\":36}\n"
        )
    }

    @Test(
        "JSON strings are escaped",
        arguments: ["quote\"back\\slash", "line\nfeed\ttab\r", "nul\u{0}esc\u{1B}", "ünï", "</script>"]
    )
    func jsonEscaping(_ method: String) throws {
        let line = Self.line(Self.record(method: method), format: .json)
        #expect(line.filter { $0 == "\n" }.count == 1, "\(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["method"] as? String == method)
    }

    @Test(
        "peers lose NIO's address-family tag",
        arguments: [
            ("[IPv4]127.0.0.1/127.0.0.1:5000", "127.0.0.1:5000"), ("[IPv4]localhost/127.0.0.1:5000", "127.0.0.1:5000"),
            ("[IPv6]::1/::1:5000", "[::1]:5000"), ("[UNIX]/run/rpcd/rpcd.sock", "/run/rpcd/rpcd.sock"),
            ("somewhere", "somewhere"),
        ]
    )
    func peers(_ peer: String, _ short: String) {
        #expect(AccessLogFormatter.shortPeer(peer) == short[...])
    }

    @Test func journalFieldsNameEveryValue() {
        let fields = Self.record(errorCode: -32601).journalFields(worker: 3)
        let byName = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["RPCD_ACCESS_METHOD"] == "sum")
        #expect(byName["RPCD_ACCESS_OUTCOME"] == "-32601")
        #expect(byName["RPCD_ACCESS_TRANSPORT"] == "ndjson")
        #expect(byName["RPCD_ACCESS_PEER"] == "127.0.0.1:51234")
        #expect(byName["RPCD_ACCESS_CREDENTIAL"] == "-")
        #expect(byName["RPCD_ACCESS_DURATION_US"] == "17")
        #expect(byName["RPCD_ACCESS_REQUEST_BYTES"] == "52")
        #expect(byName["RPCD_ACCESS_RESPONSE_BYTES"] == "36")
        #expect(byName["RPCD_WORKER"] == "3")
        #expect(byName["PRIORITY"] == "6")
        #expect(byName["MESSAGE"]?.hasPrefix("transport=ndjson peer=127.0.0.1:51234") == true)
    }
}
