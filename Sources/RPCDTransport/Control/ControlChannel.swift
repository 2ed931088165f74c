package import NIOCore
internal import NIOExtras
internal import NIOPosix
package import RPCDSupervisor

/// Opens one end of a master–worker control socketpair as a channel: both sides use this, so
/// both read the same framing under the same cap.
package enum ControlChannel {
    /// The longest control line either side accepts. A heartbeat carries every method's
    /// latency histogram and the metrics text every method's lines: both stay far below this,
    /// and a peer that writes more is broken, so the channel closes (a worker then exits, the
    /// master replaces it).
    package static let maximumLineBytes = 8 * 1024 * 1024

    /// Adopts `descriptor` (a connected stream socket) on `group`.
    /// - Parameters:
    ///   - onMessage: each decoded message, on the channel's event loop.
    ///   - onClose: the other side has gone (or the channel was closed), on the channel's event loop.
    package static func open(
        descriptor: Int32,
        on group: any EventLoopGroup,
        onMessage: @escaping @Sendable (ControlMessage) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: Self.maximumLineBytes)
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        ControlChannelHandler(onMessage: onMessage, onClose: onClose)
                    )
                }
            }
            .withConnectedSocket(descriptor)
    }
}
