internal import NIOCore

/// How responses are delimited on a stream connection.
enum StreamFraming: Sendable {
    /// One JSON text per line.
    case newline
    /// A 4-byte big-endian length before each message.
    case lengthPrefix

    /// How its messages are delimited, which decides what a blank one means.
    var delimiter: BlankMessage.Delimiter {
        switch self {
        case .newline: .newline
        case .lengthPrefix: .lengthPrefix
        }
    }

    /// Appends one response, framed, to `buffer`.
    func write(_ message: [UInt8], into buffer: inout ByteBuffer) {
        switch self {
        case .newline:
            buffer.reserveCapacity(minimumWritableBytes: message.count + 1)
            buffer.writeBytes(message)
            buffer.writeInteger(UInt8(ascii: "\n"))
        case .lengthPrefix:
            buffer.reserveCapacity(minimumWritableBytes: message.count + 4)
            buffer.writeInteger(UInt32(message.count), endianness: .big)
            buffer.writeBytes(message)
        }
    }
}
