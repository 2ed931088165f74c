/// A newline-delimited JSON client over TCP or a unix socket.
public final class LineClient {
    /// The underlying connection.
    public let connection: BufferedConnection

    /// Connects to an NDJSON listener.
    public init(_ endpoint: SocketEndpoint, timeout: Duration = .seconds(5)) throws {
        self.connection = try BufferedConnection(connectingTo: endpoint, timeout: timeout)
    }

    /// Connects to `host:port`.
    public convenience init(host: String, port: Int) throws {
        try self.init(.tcp(host: host, port: port))
    }

    /// Connects to a unix socket.
    public convenience init(unixPath: String) throws {
        try self.init(.unix(path: unixPath))
    }

    /// Sends `line` followed by `\n`.
    public func send(_ line: String) throws {
        try self.connection.send(Array((line + "\n").utf8))
    }

    /// Sends bytes as they are (no newline added).
    public func sendRaw(_ bytes: [UInt8]) throws {
        try self.connection.send(bytes)
    }

    /// Sends bytes as they are until the server closes the connection.
    /// - Returns: how many bytes were sent.
    @discardableResult
    public func sendRawUntilClosed(_ bytes: [UInt8]) throws -> Int {
        try self.connection.socket.sendUntilClosed(bytes)
    }

    /// Reads one line, without its `\n` (and a `\r` before it).
    /// - Returns: nil when the server closed the connection first.
    /// - Throws: ``TestSupportError/Code/timedOut`` when no complete line arrives in time.
    public func readLine(timeout: Duration = .seconds(5)) throws -> String? {
        guard var bytes = try self.connection.read(upTo: [UInt8(ascii: "\n")], timeout: timeout) else {
            return nil
        }
        if bytes.last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sends `line` and reads the next line.
    /// - Throws: ``TestSupportError/Code/connectionClosed`` when the server closes instead of answering.
    public func call(_ line: String, timeout: Duration = .seconds(5)) throws -> String {
        try self.send(line)
        guard let reply = try self.readLine(timeout: timeout) else {
            throw TestSupportError(.connectionClosed, "closed instead of answering \(line)")
        }
        return reply
    }

    /// Waits up to `timeout` for the server to close the connection.
    public func isClosedByPeer(timeout: Duration = .seconds(5)) throws -> Bool {
        try self.connection.waitForClose(timeout: timeout)
    }

    /// Whether nothing arrives (and the connection stays open) for `duration`.
    public func staysSilent(for duration: Duration) throws -> Bool {
        try self.connection.staysSilent(for: duration)
    }

    /// Closes the connection.
    public func close() {
        self.connection.close()
    }
}
