internal import NIOCore

extension ChannelHandlerContext {
    /// Performs what a `ConnectionLifecycle` transition returned: flush, then close, then read.
    func perform(_ actions: ConnectionLifecycle.Actions) {
        if actions.flush {
            self.flush()
        }
        switch actions.close {
        case .now:
            self.close(promise: nil)
        case .halfCloseAndLinger:
            self.closeOutputAndLinger()
        case nil:
            break
        }
        if actions.read {
            self.read()
        }
    }

    /// Writes `buffer` as the connection's last response and closes once it has been written.
    func writeFinalResponse(_ buffer: ByteBuffer) {
        let bound = NIOLoopBound(self, eventLoop: self.eventLoop)
        self.writeAndFlush(NIOAny(buffer)).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

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
