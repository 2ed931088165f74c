internal import NIOCore

extension ChannelHandlerContext {
    /// Closes our side only and gives the client up to `grace` to close its own.
    ///
    /// The client reads every answer, then EOF, and retries what it sent meanwhile (never read,
    /// so never run). Closing outright with its bytes unread would make the kernel answer with
    /// a reset, which a client cannot tell from a crash. The caller keeps reading and drops what
    /// arrives, and closes fully on the client's EOF.
    func closeOutputAndLinger(grace: TimeAmount = .seconds(2)) {
        self.close(mode: .output, promise: nil)
        let bound = NIOLoopBound(self, eventLoop: self.eventLoop)
        self.eventLoop.scheduleTask(in: grace) {
            bound.value.close(promise: nil)
        }
    }
}
