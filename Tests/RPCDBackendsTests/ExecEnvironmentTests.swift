import JSONRPC
import RPCDBackends
import Testing

@Suite("exec method environment and stderr lines (DESIGN §10.1)")
struct ExecEnvironmentTests {
    @Test("only the documented variables, plus the passed ones that are set")
    func entries() {
        let entries = ExecEnvironment.entries(
            method: "greet",
            requestID: "7",
            deadlineMilliseconds: 1500,
            context: RequestContext(transport: "ndjson", peer: "[IPv4]127.0.0.1/127.0.0.1:5123"),
            passed: ["TZ", "MISSING"],
            daemonEnvironment: ["TZ": "UTC", "HOME": "/root", "SECRET": "x"]
        )
        #expect(
            entries == [
                "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin", "RPCD_DEADLINE_MS=1500", "RPCD_METHOD=greet",
                "RPCD_PEER=127.0.0.1:5123", "RPCD_REQUEST_ID=7", "RPCD_TRANSPORT=tcp", "TZ=UTC",
            ]
        )
    }

    @Test("unix peers: transport unix, peer unix, the peer uid; notifications have no id")
    func unixPeer() {
        let entries = ExecEnvironment.entries(
            method: "m",
            requestID: nil,
            deadlineMilliseconds: nil,
            context: RequestContext(
                transport: "ndjson",
                peer: "[UDS]/run/rpcd/rpc.sock",
                peerCredentials: PeerCredentials(pid: 1, uid: 1000, gid: 1000)
            ),
            passed: [],
            daemonEnvironment: [:]
        )
        #expect(entries.contains("RPCD_TRANSPORT=unix") && entries.contains("RPCD_PEER=unix"))
        #expect(entries.contains("RPCD_PEER_UID=1000"))
        #expect(!entries.contains { $0.hasPrefix("RPCD_REQUEST_ID=") })
        #expect(!entries.contains { $0.hasPrefix("RPCD_CREDENTIAL=") })
    }

    @Test("an authenticated caller's credential name is RPCD_CREDENTIAL")
    func credential() {
        var context = RequestContext(transport: "ndjson", peer: "[IPv4]127.0.0.1/127.0.0.1:5123")
        context.credential = "alice"
        let entries = ExecEnvironment.entries(
            method: "m",
            requestID: "1",
            deadlineMilliseconds: nil,
            context: context,
            passed: [],
            daemonEnvironment: [:]
        )
        #expect(entries.contains("RPCD_CREDENTIAL=alice"))
    }

    @Test(
        "peer addresses",
        arguments: [
            ("[IPv4]127.0.0.1/127.0.0.1:5123", "127.0.0.1:5123"), ("[IPv6]::1/::1:5123", "[::1]:5123"),
        ]
    )
    func hostAndPort(_ description: String, _ expected: String) {
        #expect(ExecEnvironment.hostAndPort(description) == expected)
    }

    @Test("stderr: 1 KiB per line, 20 lines, the rest counted; the last non-blank line kept")
    func errorLines() {
        final class Sink: @unchecked Sendable {
            var lines: [String] = []
            var dropped = 0
        }
        let sink = Sink()
        var collector = ErrorLineCollector(emit: { line, _ in sink.lines.append(line) }, dropped: { sink.dropped = $0 })
        let text = String(repeating: "x", count: 2000) + "\n" + (1...24).map { "line \($0)\n" }.joined() + "last"
        Array(text.utf8).withUnsafeBytes { collector.append($0) }
        collector.finish()
        #expect(sink.lines.count == 20)
        #expect(sink.lines[0].utf8.count == 1024)
        #expect(sink.dropped == 6)  // 26 lines: the long one, 24, and "last"
        #expect(collector.lastLine == "last")
    }
}
