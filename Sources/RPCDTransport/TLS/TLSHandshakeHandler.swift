internal import Logging
internal import NIOCore
internal import NIOSSL
internal import NIOTLS
internal import RPCDAccess

/// Sits right after `NIOSSLServerHandler`: turns a finished handshake into a
/// `TLSConnectionEvent` (with the client certificate's CN under mutual TLS), and a failed one
/// (plaintext, an old protocol version, no or an untrusted client certificate) into one log line
/// and a closed connection, without troubling the handlers behind it.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let transport: String
    private let requiresClientCertificate: Bool
    private let logger: Logger
    private var established = false

    init(transport: String, requiresClientCertificate: Bool, logger: Logger) {
        self.transport = transport
        self.requiresClientCertificate = requiresClientCertificate
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case TLSUserEvent.handshakeCompleted = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        var credential: String?
        if self.requiresClientCertificate {
            do {
                // NIOSSL has verified it against RPCD_TLS_CLIENT_CA_FILE; a handshake without one failed.
                let certificate = try context.pipeline.syncOperations.nioSSL_peerCertificate()
                credential = try certificate.flatMap { try CertificateSubject.commonName(der: $0.toDERBytes()) }
            } catch {
                self.refuse(context, reason: "unusable client certificate: \(error)")
                return
            }
        }
        self.established = true
        context.fireUserInboundEventTriggered(TLSConnectionEvent(transport: self.transport, credential: credential))
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is NIOSSLError || error is BoringSSLError else {
            context.fireErrorCaught(error)
            return
        }
        // After the handshake, mostly a client that left without close_notify: nothing to report.
        self.refuse(context, reason: "\(error)")
    }

    private func refuse(_ context: ChannelHandlerContext, reason: String) {
        self.logger.debug(
            self.established ? "TLS error, closing" : "TLS handshake failed, closing",
            metadata: ["peer": "\(context.channel.remoteAddress?.description ?? "?")", "reason": "\(reason)"]
        )
        context.close(promise: nil)
    }
}
