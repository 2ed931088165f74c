internal import RPCDSystem

/// Newline-delimited JSON over a connected socket: one request line out, one response line back.
enum LineFraming {
    /// The longest response line accepted; a `call` result can be large, an admin result is small.
    static let maximumLineBytes = 64 << 20

    /// Sends `message` plus `\n` and returns the next non-blank line (without `\n` or `\r\n`).
    /// - Throws: ``SystemCallError`` from the socket (`ETIMEDOUT` when `deadline` passes),
    ///   ``LineFraming/Failure`` when the peer closes first or sends an over-long line.
    static func exchange(
        _ message: [UInt8],
        on socket: some ClientByteStream,
        deadline: ContinuousClock.Instant
    ) throws -> [UInt8] {
        try socket.write(message + [UInt8(ascii: "\n")], deadline: deadline)
        var buffer: [UInt8] = []
        var scanned = 0
        while true {
            while let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                scanned = 0
                if line.last == UInt8(ascii: "\r") {
                    line.removeLast()
                }
                // A blank line carries no message (DESIGN §9); keep reading.
                if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                    return line
                }
            }
            scanned = buffer.count
            guard buffer.count <= self.maximumLineBytes else {
                throw Failure.lineTooLong
            }
            let received = try socket.read(deadline: deadline)
            guard !received.isEmpty else {
                throw Failure.closed
            }
            buffer += received
        }
    }

    /// How a line exchange failed other than with a socket error.
    enum Failure: Error {
        /// The peer closed the connection before a whole line arrived.
        case closed
        /// The line grew past ``LineFraming/maximumLineBytes``.
        case lineTooLong
    }
}
