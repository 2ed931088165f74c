import Foundation
import Glibc
import JSONRPC
import Synchronization

/// A stand-in for rpcd in tests: a unix or loopback TCP listener on a background thread that
/// answers each connection's one JSON-RPC request (newline-delimited, or an HTTP POST) with a
/// canned reply chosen by method name, and records every request it read.
final class FakeServer: Sendable {
    /// What the server does with a request for a method.
    enum Reply: Sendable {
        /// Answers `{"jsonrpc":"2.0","result":VALUE,"id":ID}`.
        case result(JSONValue)
        /// Answers with a JSON-RPC error.
        case error(code: Int, message: String)
        /// Writes this text (a newline is added) as the answer.
        case raw(String)
        /// Reads the request and never answers (until the client gives up).
        case silent
        /// Closes the connection without answering.
        case close
    }

    /// How requests are framed.
    enum Framing: Sendable {
        /// One JSON text per line.
        case ndjson
        /// HTTP/1.1 POST with a `Content-Length` body, answered with `200` and `Connection: close`.
        case http
    }

    /// Where clients connect: the unix socket path, or `127.0.0.1:PORT`.
    let address: String
    /// The TCP port, or 0 for a unix socket.
    let port: Int

    private let listener: Int32
    private let framing: Framing
    private let state: Mutex<State>

    private struct State {
        var replies: [String: Reply]
        var received: [JSONValue] = []
        var finished = false
    }

    /// Listens on a unix socket at `path`.
    init(unixPath path: String, replies: [String: Reply]) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try Self.check(descriptor, "socket")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try Self.check(bound, "bind \(path)")
        try Self.check(listen(descriptor, 16), "listen")
        self.listener = descriptor
        self.address = path
        self.port = 0
        self.framing = .ndjson
        self.state = Mutex(State(replies: replies))
        self.start()
    }

    /// Listens on `127.0.0.1` on an ephemeral port.
    init(loopbackFraming framing: Framing, replies: [String: Reply]) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try Self.check(descriptor, "socket")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try Self.check(bound, "bind 127.0.0.1:0")
        try Self.check(listen(descriptor, 16), "listen")
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try Self.check(named, "getsockname")
        self.listener = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.address = "127.0.0.1:\(self.port)"
        self.framing = framing
        self.state = Mutex(State(replies: replies))
        self.start()
    }

    /// Every request read so far, in order.
    var received: [JSONValue] {
        self.state.withLock { $0.received }
    }

    /// The methods of every request read so far.
    var receivedMethods: [String] {
        self.received.compactMap { $0["method"]?.stringValue }
    }

    /// Stops accepting; the listening socket is closed by the accept thread.
    func stop() {
        let alreadyFinished = self.state.withLock { state in
            defer { state.finished = true }
            return state.finished
        }
        if !alreadyFinished {
            // shutdown wakes the thread blocked in accept; it closes the descriptor on its way out.
            shutdown(self.listener, Int32(SHUT_RDWR))
        }
    }

    private func start() {
        Thread.detachNewThread { self.acceptLoop() }
    }

    private func acceptLoop() {
        while true {
            // accept4 is not imported (it needs _GNU_SOURCE): set close-on-exec right after.
            let connection = accept(self.listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            self.serve(connection)
            close(connection)
            if self.state.withLock({ $0.finished }) { break }
        }
        close(self.listener)
    }

    private func serve(_ connection: Int32) {
        // A client under test that never finishes its request must not wedge the server.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let body: [UInt8]?
        switch self.framing {
        case .ndjson: body = Self.readLine(connection)
        case .http: body = Self.readHTTPBody(connection)
        }
        guard let body, let request = try? JSONParser().parse(body) else {
            return
        }
        let method = request["method"]?.stringValue ?? ""
        let reply = self.state.withLock { state -> Reply in
            state.received.append(request)
            return state.replies[method] ?? .error(code: -32601, message: "Method not found")
        }
        let id = request["id"] ?? .null
        let text: String
        switch reply {
        case .result(let value):
            text = JSONValue.object(["jsonrpc": "2.0", "result": value, "id": id]).jsonText
        case .error(let code, let message):
            text =
                JSONValue.object([
                    "jsonrpc": "2.0", "error": ["code": .int(code), "message": .string(message)], "id": id,
                ])
                .jsonText
        case .raw(let raw):
            text = raw
        case .silent:
            // Wait for the client to give up and close.
            var byte: UInt8 = 0
            while recv(connection, &byte, 1, 0) > 0 {}
            return
        case .close:
            return
        }
        switch self.framing {
        case .ndjson:
            Self.writeAll(connection, Array((text + "\n").utf8))
        case .http:
            let payload = Array(text.utf8)
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
            Self.writeAll(connection, Array(head.utf8) + payload)
        }
    }

    private static func readLine(_ connection: Int32) -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while recv(connection, &byte, 1, 0) == 1 {
            if byte == UInt8(ascii: "\n") {
                return line
            }
            line.append(byte)
        }
        return nil
    }

    private static func readHTTPBody(_ connection: Int32) -> [UInt8]? {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(connection, &byte, 1, 0) == 1 else { return nil }
            head.append(byte)
        }
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n")
        guard lines.first?.hasPrefix("POST ") == true,
            let lengthLine = lines.first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else {
            return nil
        }
        var body: [UInt8] = []
        while body.count < length {
            guard recv(connection, &byte, 1, 0) == 1 else { return nil }
            body.append(byte)
        }
        return body
    }

    private static func writeAll(_ connection: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                send(connection, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return }
            offset += written
        }
    }

    private static func check(_ result: Int32, _ what: String) throws {
        if result < 0 {
            throw FakeServerError(message: "\(what): \(String(cString: strerror(errno)))")
        }
    }
}

/// A fake server that could not be set up.
struct FakeServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        self.count >= suffix.count && Array(self[(self.count - suffix.count)...]) == suffix
    }
}
