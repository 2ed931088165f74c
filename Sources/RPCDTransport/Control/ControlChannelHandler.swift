package import NIOCore
package import RPCDSupervisor

/// Reads control messages (one per line, after a `LineBasedFrameDecoder`) and hands them on;
/// tells its owner when the other side has gone.
final class ControlChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let onMessage: (ControlMessage) -> Void
    private let onClose: () -> Void

    /// The closures run on the channel's event loop.
    init(onMessage: @escaping (ControlMessage) -> Void, onClose: @escaping () -> Void) {
        self.onMessage = onMessage
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Self.unwrapInboundIn(data)
        if let message = line.withUnsafeReadableBytes({ ControlMessage($0) }) {
            self.onMessage(message)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension Channel {
    /// Sends one control message, framed as a line.
    package func sendControl(_ message: ControlMessage) {
        var buffer = self.allocator.buffer(capacity: 96)
        buffer.writeBytes(message.encoded)
        buffer.writeInteger(UInt8(ascii: "\n"))
        self.writeAndFlush(buffer, promise: nil)
    }
}
