import Foundation
import TestSupport
import Testing

/// Starting rpcd: the log lines that announce listeners and readiness, and start-up failures.
@Suite struct StartupTests {
    @Test func logsEachListenerThenReadyAsJSONLines() throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("rpc.sock")
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,tcp://127.0.0.1:0?framing=length,http://127.0.0.1:0,unix:\(socket)"
        )
        defer { daemon.kill() }

        #expect(listeners.all.map(\.role).sorted() == ["http", "length", "ndjson", "ndjson"])
        #expect(
            listeners.all.map(\.endpoint).sorted() == [
                "http://127.0.0.1:0", "tcp://127.0.0.1:0", "tcp://127.0.0.1:0?framing=length", "unix:\(socket)",
            ]
        )
        for listener in listeners.all where !listener.endpoint.hasPrefix("unix:") {
            #expect(listener.address.wholeMatch(of: /127\.0\.0\.1:\d+/) != nil, "\(listener)")
            #expect(try listener.port > 0)
        }
        let ports = try listeners.all.filter { !$0.endpoint.hasPrefix("unix:") }.map { try $0.port }
        #expect(Set(ports).count == 3)

        let lines = daemon.logLines
        let readyIndex = try #require(lines.firstIndex { $0.message == "ready" })
        let listeningIndices = lines.indices.filter { lines[$0].message == "listening" }
        #expect(listeningIndices.count == 4)
        #expect(listeningIndices.allSatisfy { $0 < readyIndex })
        for line in lines {
            #expect(line.isJSON, "not a JSON log line: \(line)")
            #expect(line["pid"] == "\(daemon.pid)", "\(line)")
            #expect(line.level != nil, "\(line)")
            let timestamp = try #require(line["ts"], "\(line)")
            #expect(
                timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/) != nil,
                "ts \(timestamp)"
            )
        }
        // Each listener serves on its logged address.
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try LengthPrefixClient(listeners.length()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try HTTPClient(listeners.http()).post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
        #expect(try LineClient(unixPath: socket).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func portInUseIsExit1NamingTheEndpoint() throws {
        let (first, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { first.kill() }
        let port = try listeners.first(role: "ndjson").port

        let endpoint = "tcp://127.0.0.1:\(port)"
        let second = try RPCDProcess(environment: ["RPCD_LISTEN": "http://127.0.0.1:0,\(endpoint)"])
        defer { second.kill() }
        let status = try second.waitForExit()
        #expect(status == .exited(1), "\(second.stderrText)")
        #expect(
            second.stderrText.contains(endpoint) || second.stderrText.contains("127.0.0.1:\(port)"),
            "\(second.stderrText)"
        )
        // The first instance is untouched.
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func unixSocketPathInADirectoryThatDoesNotExistIsAFailure() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("no/such/dir/rpc.sock")
        let daemon = try RPCDProcess(environment: ["RPCD_LISTEN": "unix:\(path)"])
        defer { daemon.kill() }

        let status = try daemon.waitForExit()
        #expect(status != .exited(0), "\(daemon.stderrText)")
        #expect(daemon.stderrText.contains(path), "\(daemon.stderrText)")
    }
}
