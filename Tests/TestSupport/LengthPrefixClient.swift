/// A client for `?framing=length` listeners: each message is preceded by its length as a 4-byte
/// big-endian integer.
public final class LengthPrefixClient {
    /// The underlying connection.
    public let connection: BufferedConnection

    /// Connects to a length-prefixed listener.
    public init(_ endpoint: SocketEndpoint, timeout: Duration = .seconds(5)) throws {
        self.connection = try BufferedConnection(connectingTo: endpoint, timeout: timeout)
    }

    /// The 4-byte big-endian prefix for `length`.
    public static func prefix(_ length: UInt32) -> [UInt8] {
        [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
    }

    /// The frame for `payload`: prefix then payload.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        self.prefix(UInt32(payload.count)) + payload
    }

    /// Sends `message` as one frame.
    public func send(_ message: String) throws {
        try self.connection.send(Self.frame(Array(message.utf8)))
    }

    /// Sends `payload` as one frame.
    public func sendFrame(_ payload: [UInt8]) throws {
        try self.connection.send(Self.frame(payload))
    }

    /// Sends bytes as they are (prefixes included by the caller).
    public func sendRaw(_ bytes: [UInt8]) throws {
        try self.connection.send(bytes)
    }

    /// Sends bytes as they are until the server closes the connection.
    /// - Returns: how many bytes were sent.
    @discardableResult
    public func sendRawUntilClosed(_ bytes: [UInt8]) throws -> Int {
        try self.connection.socket.sendUntilClosed(bytes)
    }

    /// Reads one frame's payload.
    /// - Returns: nil when the server closed the connection at a frame boundary.
    /// - Throws: ``TestSupportError/Code/protocolViolation`` when it closed inside a frame.
    public func readFrame(timeout: Duration = .seconds(5)) throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        guard let header = try self.connection.read(exactly: 4, timeout: timeout) else {
            if !self.connection.buffered.isEmpty {
                throw TestSupportError(.protocolViolation, "closed inside a length prefix")
            }
            return nil
        }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard let payload = try self.connection.read(exactly: length, timeout: deadline - .now) else {
            throw TestSupportError(.protocolViolation, "closed inside a \(length)-byte frame")
        }
        return payload
    }

    /// Reads one frame as text.
    /// - Returns: nil when the server closed the connection at a frame boundary.
    public func readMessage(timeout: Duration = .seconds(5)) throws -> String? {
        try self.readFrame(timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Sends `message` as a frame and reads the next frame.
    public func call(_ message: String, timeout: Duration = .seconds(5)) throws -> String {
        try self.send(message)
        guard let reply = try self.readMessage(timeout: timeout) else {
            throw TestSupportError(.connectionClosed, "closed instead of answering \(message)")
        }
        return reply
    }

    /// Waits up to `timeout` for the server to close the connection.
    public func isClosedByPeer(timeout: Duration = .seconds(5)) throws -> Bool {
        try self.connection.waitForClose(timeout: timeout)
    }

    /// Closes the connection.
    public func close() {
        self.connection.close()
    }
}
