internal import NIOCore

/// Splits a byte stream into NDJSON lines (without their `\n` or `\r\n`), refusing a line as
/// soon as it passes `maxLineBytes`.
///
/// NIO's `LineBasedFrameDecoder` has no bound, and `ByteToMessageHandler`'s buffer cap counts
/// the line ending too, so a partial line could only be refused one byte late. Here the message
/// itself is counted: a partial line one byte over the limit is refused at once, except that a
/// trailing `\r` is not counted while its `\n` may still come.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxLineBytes: Int
    /// Bytes already searched for a newline, so that a long line arriving in pieces is not
    /// searched from its start each time.
    private var scannedBytes = 0
    /// Part of a line is buffered and the handler has been told (`PartialMessageEvent`).
    private var partial = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.dropFirst(self.scannedBytes).firstIndex(of: UInt8(ascii: "\n")) else {
            self.scannedBytes = view.count
            let message = view.last == UInt8(ascii: "\r") ? view.count - 1 : view.count
            guard message <= self.maxLineBytes else {
                throw FrameTooLargeError()
            }
            if !self.partial, !view.isEmpty {
                self.partial = true
                context.fireUserInboundEventTriggered(PartialMessageEvent.began)
            }
            return .needMoreData
        }
        self.scannedBytes = 0
        let ending = newline > view.startIndex && view[newline - 1] == UInt8(ascii: "\r") ? 2 : 1
        let length = newline - view.startIndex + 1 - ending
        guard length <= self.maxLineBytes else {
            throw FrameTooLargeError()
        }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: ending)
        if self.partial {
            self.partial = false
            context.fireUserInboundEventTriggered(PartialMessageEvent.ended)
        }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            // The peer ended mid-line: that fragment can never run.
            context.fireErrorCaught(IncompleteMessageError())
        }
        return .needMoreData
    }
}

/// The stream ended in the middle of a message.
struct IncompleteMessageError: Error {}
