internal import Logging
internal import NIOCore

/// Logs a backend instance's stderr line by line at `warning` with `backend.name` and `backend.pid`
/// (DESIGN §10.2), bounded so a flood fills neither memory nor the log: each line cut at 1 KiB, at
/// most `linesPerSecond` lines a second, the rest counted and reported once the second is over.
final class BackendErrorLog: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Lines logged per second at most.
    static let linesPerSecond = 50

    private let logger: Logger
    private let name: String
    private let pid: Int32
    private var partial: [UInt8] = []
    private var windowStart = ContinuousClock.now
    private var loggedInWindow = 0
    private var dropped = 0

    init(logger: Logger, name: String, pid: Int32) {
        (self.logger, self.name, self.pid) = (logger, name, pid)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                self.endLine()
            } else if self.partial.count < ErrorLineCollector.maxLineBytes {
                self.partial.append(byte)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.partial.isEmpty { self.endLine() }
        self.reportDropped()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func endLine() {
        var line = String(decoding: self.partial, as: UTF8.self)
        self.partial.removeAll(keepingCapacity: true)
        if line.hasSuffix("\r") { line.removeLast() }
        let now = ContinuousClock.now
        if now - self.windowStart >= .seconds(1) {
            self.reportDropped()
            (self.windowStart, self.loggedInWindow) = (now, 0)
        }
        guard self.loggedInWindow < Self.linesPerSecond else {
            self.dropped += 1
            return
        }
        self.loggedInWindow += 1
        self.logger.warning("\(line)", metadata: ["backend.name": "\(self.name)", "backend.pid": "\(self.pid)"])
    }

    private func reportDropped() {
        guard self.dropped > 0 else { return }
        self.logger.warning(
            "backend stderr lines dropped",
            metadata: ["backend.name": "\(self.name)", "backend.pid": "\(self.pid)", "lines": "\(self.dropped)"]
        )
        self.dropped = 0
    }
}
