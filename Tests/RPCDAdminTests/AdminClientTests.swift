import Foundation
import Glibc
import JSONRPC
import RPCDAdmin
import TestSupport
import Testing

/// The admin client in-process, against a fake admin socket.
@Suite("Admin client")
struct AdminClientTests {
    @Test("a call sends one NDJSON request and returns the result")
    func result() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let server = try FakeServer(unixPath: directory.file("admin.sock"), replies: ["scale": .result(["workers": 3])])
        defer { server.stop() }
        let client = AdminClient(socketPath: server.address)
        let result: ScaleResult = try client.call(.scale, params: ScaleParams(workers: 3))
        #expect(result == ScaleResult(workers: 3))
        let request = try #require(server.received.first)
        #expect(request["jsonrpc"] == "2.0")
        #expect(request["method"] == "scale")
        #expect(request["params"] == ["workers": 3])
        #expect(request["id"] != nil)
    }

    @Test("no socket file: not running")
    func noSocket() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let error = try #require(throws: AdminClientError.self) {
            try AdminClient(socketPath: directory.file("admin.sock")).call(.status)
        }
        #expect(error.code == .notRunning)
        #expect(error.exitStatus == 7)
        #expect(error.message == "rpcd is not running (no socket at \(directory.file("admin.sock")))")
    }

    @Test("a stale socket file: not running")
    func staleSocket() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let path = directory.file("admin.sock")
        try StaleSocket.create(at: path)
        let error = try #require(throws: AdminClientError.self) { try AdminClient(socketPath: path).call(.status) }
        #expect(error.code == .notRunning)
        #expect(error.message.contains("connection refused"))
    }

    @Test("a JSON-RPC error answer is a daemon error carrying the wire error")
    func daemonError() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let server = try FakeServer(
            unixPath: directory.file("admin.sock"),
            replies: ["reload": .error(code: -32000, message: "RPCD_WORKERS: expected a whole number")]
        )
        defer { server.stop() }
        let error = try #require(throws: AdminClientError.self) {
            try AdminClient(socketPath: server.address).call(.reload)
        }
        #expect(error.code == .daemonError)
        #expect(error.rpcError?.code == -32000)
        #expect(error.message.contains("RPCD_WORKERS: expected a whole number"))
        #expect(error.exitStatus == 1)
    }

    @Test("-32003 is permission denied")
    func permissionDenied() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let server = try FakeServer(
            unixPath: directory.file("admin.sock"),
            replies: ["status": .error(code: -32003, message: "Permission denied")]
        )
        defer { server.stop() }
        let error = try #require(throws: AdminClientError.self) {
            try AdminClient(socketPath: server.address).call(.status)
        }
        #expect(error.code == .permissionDenied)
        #expect(error.exitStatus == 4)
    }

    @Test("no answer before the deadline: timeout")
    func timeout() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let server = try FakeServer(unixPath: directory.file("admin.sock"), replies: ["reload": .silent])
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = try #require(throws: AdminClientError.self) {
            try AdminClient(socketPath: server.address, timeout: .milliseconds(300)).call(.reload)
        }
        #expect(error.code == .timeout)
        #expect(error.exitStatus == 1)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test(
        "broken answers are protocol errors",
        arguments: [
            FakeServer.Reply.close, .raw("not json"), .raw("[1]"), .raw(#"{"jsonrpc":"2.0","id":99,"result":1}"#),
            .raw(#"{"jsonrpc":"2.0","id":1}"#),
        ]
    )
    func brokenAnswers(_ reply: FakeServer.Reply) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let server = try FakeServer(unixPath: directory.file("admin.sock"), replies: ["status": reply])
        defer { server.stop() }
        let error = try #require(throws: AdminClientError.self) {
            try AdminClient(socketPath: server.address).call(.status)
        }
        #expect(error.code == .protocolError)
    }

    @Test("a result of the wrong shape is a protocol error for the typed call")
    func wrongShape() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-ac")
        let server = try FakeServer(unixPath: directory.file("admin.sock"), replies: ["status": .result("ok")])
        defer { server.stop() }
        let client = AdminClient(socketPath: server.address)
        #expect(try client.call(.status) == "ok")
        let error = try #require(throws: AdminClientError.self) { let _: StatusResult = try client.call(.status) }
        #expect(error.code == .protocolError)
    }

    @Test("call over NDJSON TCP and HTTP")
    func rpcCall() throws {
        let ndjson = try FakeServer(loopbackFraming: .ndjson, replies: ["sum": .result(3)])
        defer { ndjson.stop() }
        let http = try FakeServer(loopbackFraming: .http, replies: ["echo": .result(["x": [1, 2]])])
        defer { http.stop() }
        let tcpClient = RPCCallClient(endpoint: try #require(RPCEndpoint(url: "tcp://\(ndjson.address)")))
        #expect(try tcpClient.call(method: "sum", params: [1, 2]) == .result(3))
        #expect(
            try tcpClient.call(method: "nope", params: nil)
                == .error(JSONRPCError(code: -32601, message: "Method not found"))
        )
        let httpClient = RPCCallClient(endpoint: try #require(RPCEndpoint(url: "http://\(http.address)")))
        #expect(try httpClient.call(method: "echo", params: ["x"]) == .result(["x": [1, 2]]))
        #expect(ndjson.received.map { $0["params"] } == [[1, 2], nil])
        #expect(http.received.first?["params"] == ["x"])
    }

    @Test("call to a port nobody listens on: not running")
    func rpcCallRefused() throws {
        let port = try BoundPort()
        let client = RPCCallClient(endpoint: .stream(.tcp(host: "127.0.0.1", port: port.port), .ndjson))
        let error = try #require(throws: AdminClientError.self) { try client.call(method: "x", params: nil) }
        #expect(error.code == .notRunning)
    }
}

/// A loopback TCP port that is bound but not listening, so connecting to it is refused for as
/// long as this value lives (no other test can take the port meanwhile).
final class BoundPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw FakeServerError(message: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(descriptor)
            throw FakeServerError(message: "bind 127.0.0.1:0 failed")
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(self.descriptor)
    }
}

/// A unix socket file nobody listens on, like the one a killed daemon leaves behind.
enum StaleSocket {
    static func create(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw FakeServerError(message: "socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw FakeServerError(message: "bind \(path) failed") }
    }
}
