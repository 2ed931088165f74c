internal import NIOCore

/// Splits a byte stream into messages that each follow a 4-byte big-endian length.
///
/// NIO's `LengthFieldBasedFrameDecoder` has no upper bound on the announced length, so a client
/// could make us buffer up to 4 GiB; this one refuses an oversized length as soon as the prefix
/// arrives, before any of the body is buffered.
struct LengthPrefixFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxFrameBytes: Int
    /// Part of a frame is buffered and the handler has been told (`PartialMessageEvent`).
    private var partial = false

    init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return self.needMoreData(buffer, context: context)
        }
        guard length <= self.maxFrameBytes else {
            throw FrameTooLargeError()
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return self.needMoreData(buffer, context: context)
        }
        if self.partial {
            self.partial = false
            context.fireUserInboundEventTriggered(PartialMessageEvent.ended)
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    private mutating func needMoreData(_ buffer: ByteBuffer, context: ChannelHandlerContext) -> DecodingState {
        if !self.partial, buffer.readableBytes > 0 {
            self.partial = true
            context.fireUserInboundEventTriggered(PartialMessageEvent.began)
        }
        return .needMoreData
    }
}

/// A message announced or found to be over `RPCD_MAX_REQUEST_BYTES`.
struct FrameTooLargeError: Error {}
