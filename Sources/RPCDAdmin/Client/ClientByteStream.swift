internal import RPCDSystem

/// A connected byte stream an exchange runs on: a plain socket or a TLS connection.
protocol ClientByteStream {
    /// Sends every byte before `deadline`.
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws
    /// The next bytes received, empty at the end of the stream.
    func read(deadline: ContinuousClock.Instant) throws -> [UInt8]
}

extension StreamClientSocket: ClientByteStream {
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws {
        try self.send(bytes, deadline: deadline)
    }

    func read(deadline: ContinuousClock.Instant) throws -> [UInt8] {
        try self.receive(deadline: deadline)
    }
}
