internal import NIOCore

/// Reads an instance's stdout lines (framed by `BackendLineDecoder`) and tells its pool; an end of file,
/// a read error or a line over the cap ends the instance.
final class BackendOutputHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let pool: BackendPool
    private let instance: Int

    init(pool: BackendPool, instance: Int) {
        (self.pool, self.instance) = (pool, instance)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Self.unwrapInboundIn(data)
        line.withUnsafeReadableBytes { self.pool.received($0, from: self.instance) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.pool.outputClosed(self.instance)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tooLong = error as? BackendLineTooLong {
            self.pool.violated(self.instance, reason: "a line over \(tooLong.limit) bytes")
        } else if !(error is ChannelError) {
            self.pool.violated(self.instance, reason: "stdout failed: \(error)")
        }
        context.close(promise: nil)
    }
}
