internal import NIOCore
internal import NIOPosix
internal import NIOSSL

/// A blocking TLS connection for one `rpcd-admin call`: NIO does the I/O and the handshake on
/// its loop, the caller waits for each step with a deadline.
final class TLSClientStream: ClientByteStream {
    private let channel: any Channel
    private let inbox: Inbox

    /// Connects and starts the handshake (which completes, or fails, on the first read or write).
    /// - Throws: ``AdminClientError``: unreadable client files, nothing listening, a timeout.
    static func connect(
        host: String,
        port: Int,
        settings: TLSClientSettings,
        deadline: ContinuousClock.Instant
    ) throws(AdminClientError) -> TLSClientStream {
        let context: NIOSSLContext
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let caFile = settings.caFile {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            if let certificateFile = settings.certificateFile, let keyFile = settings.keyFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map {
                    .certificate($0)
                }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw AdminClientError(.connectionFailed, "cannot read the TLS files (--cacert, --cert, --key): \(error)")
        }
        let inbox = Inbox()
        // A name is checked against the certificate's names; an address against its IP entries.
        let serverName = host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : host
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(Self.remaining(deadline))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHandler(inbox)
                }
            }
        do {
            let channel = try bootstrap.connect(host: host, port: port).wait()
            return TLSClientStream(channel: channel, inbox: inbox)
        } catch {
            throw AdminClientError(.notRunning, "cannot connect to \(host):\(port): \(error)")
        }
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws {
        try self.wait(self.channel.writeAndFlush(ByteBuffer(bytes: bytes)), deadline: deadline)
    }

    func read(deadline: ContinuousClock.Instant) throws -> [UInt8] {
        let inbox = self.inbox
        let loop = self.channel.eventLoop
        return try self.wait(loop.flatSubmit { inbox.take(on: loop) }, deadline: deadline)
    }

    /// Closes the connection.
    func close() {
        try? self.channel.close().wait()
    }

    private func wait<Value: Sendable>(
        _ future: EventLoopFuture<Value>,
        deadline: ContinuousClock.Instant
    ) throws -> Value {
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: Self.remaining(deadline)) { channel.close(promise: nil) }
        defer { timer.cancel() }
        do {
            return try future.wait()
        } catch {
            if ContinuousClock.now >= deadline {
                throw AdminClientError(.timeout, "no answer over TLS before the deadline")
            }
            throw AdminClientError(.connectionFailed, "TLS: \(error)")
        }
    }

    private static func remaining(_ deadline: ContinuousClock.Instant) -> TimeAmount {
        TimeAmount(max(.zero, deadline - .now))
    }

    /// Received bytes, kept on the channel's loop until a read takes them. Every member runs
    /// on that loop (handler callbacks, and `take` through `flatSubmit`), hence unchecked.
    private final class Inbox: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer

        private var buffered: [UInt8] = []
        private var ended = false
        private var failure: (any Error)?
        private var waiting: EventLoopPromise<[UInt8]>?

        func take(on loop: any EventLoop) -> EventLoopFuture<[UInt8]> {
            if !self.buffered.isEmpty || self.ended {
                defer { self.buffered = [] }
                return loop.makeSucceededFuture(self.buffered)
            }
            if let failure = self.failure {
                return loop.makeFailedFuture(failure)
            }
            let promise = loop.makePromise(of: [UInt8].self)
            self.waiting = promise
            return promise.futureResult
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.buffered += Array(buffer: self.unwrapInboundIn(data))
            self.deliver()
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.ended = true
            self.deliver()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A peer that leaves without close_notify has still said everything it will.
            if case NIOSSLError.uncleanShutdown = error { return }
            self.failure = error
            if let waiting = self.waiting {
                self.waiting = nil
                waiting.fail(error)
            }
            context.close(promise: nil)
        }

        private func deliver() {
            guard let waiting = self.waiting else { return }
            self.waiting = nil
            waiting.succeed(self.buffered)
            self.buffered = []
        }
    }
}
