import Foundation
import Glibc
import TestSupport
import Testing

/// Newline-delimited JSON-RPC over a unix stream socket.
@Suite struct UnixSocketTests {
    @Test func servesOverTheSocketPathAndLogsIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rpc.sock")
        let (daemon, listeners) = try RPCDProcess.start(listen: "unix:\(path)")
        defer { daemon.kill() }

        let listener = try listeners.first(role: "ndjson")
        #expect(listener.address == path)
        #expect(listener.endpoint == "unix:\(path)")
        let client = try LineClient(unixPath: path)
        #expect(try client.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try client.call(JSONRPCMessages.request("sum", params: "[1,2]")) == JSONRPCMessages.result("3"))
    }

    @Test func socketFileIsRemovedOnGracefulStop() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rpc.sock")
        let (daemon, _) = try RPCDProcess.start(listen: "unix:\(path)")
        defer { daemon.kill() }
        #expect(FileManager.default.fileExists(atPath: path))

        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func modeQueryParameterSetsThePermissions() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rpc.sock")
        let (daemon, _) = try RPCDProcess.start(listen: "unix:\(path)?mode=0660")
        defer { daemon.kill() }

        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660, "mode \(String(info.st_mode & 0o777, radix: 8))")
    }

    @Test func unixAndTCPListenersServeTogether() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("rpc.sock")
        let (daemon, listeners) = try RPCDProcess.start(listen: "unix:\(path),tcp://127.0.0.1:0")
        defer { daemon.kill() }

        #expect(listeners.with(role: "ndjson").count == 2)
        for listener in listeners.with(role: "ndjson") {
            let client = try LineClient(listener.socketEndpoint)
            #expect(try client.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        }
    }
}
