internal import NIOCore

/// Frames a backend's stdout into lines of at most `maxLineBytes` (`RPCD_MAX_REQUEST_BYTES`); a longer
/// line is a protocol violation, reported as `BackendLineTooLong` before it is all in memory.
struct BackendLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxLineBytes: Int
    /// Where the search for the newline goes on (the bytes before it have none).
    private var searched = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.dropFirst(self.searched).firstIndex(of: UInt8(ascii: "\n")) else {
            self.searched = view.count
            if view.count > self.maxLineBytes { throw BackendLineTooLong(limit: self.maxLineBytes) }
            return .needMoreData
        }
        let length = newline - view.startIndex
        self.searched = 0
        if length > self.maxLineBytes { throw BackendLineTooLong(limit: self.maxLineBytes) }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws
        -> DecodingState
    {
        // A last line without its newline is not a message the backend finished: dropped.
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// A backend wrote a stdout line over the limit.
struct BackendLineTooLong: Error {
    /// `RPCD_MAX_REQUEST_BYTES`.
    var limit: Int
}
