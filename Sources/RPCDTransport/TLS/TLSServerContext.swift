internal import NIOCore
package import NIOSSL
package import RPCDConfiguration
internal import Synchronization

/// The TLS context of one server process, built from the `RPCD_TLS_*` files once, not per connection.
///
/// Every accepted TLS connection reads `current` once, so `reload()` (single-process mode) gives
/// new connections the new certificate while open ones finish on the old. Workers never reload:
/// a reload starts a new generation, which builds its own.
package final class TLSServerContext: Sendable {
    private let settings: TLSSettings
    private let context: Mutex<NIOSSLContext>

    /// Reads and checks the files.
    /// - Throws: `TLSFileError` naming the file and the reason.
    package init(settings: TLSSettings) throws(TLSFileError) {
        self.settings = settings
        self.context = Mutex(try Self.makeContext(settings))
    }

    /// The context for a connection accepted now.
    package var current: NIOSSLContext { self.context.withLock { $0 } }

    /// Whether mutual TLS is on: every client presents a certificate signed by `RPCD_TLS_CLIENT_CA_FILE`.
    package var requiresClientCertificate: Bool { self.settings.clientCAFile != nil }

    /// Re-reads the files; on failure the old context stays.
    /// - Throws: `TLSFileError` naming the file and the reason.
    package func reload() throws(TLSFileError) {
        let next = try Self.makeContext(self.settings)
        self.context.withLock { $0 = next }
    }

    /// Why the configured files cannot serve, or nil when they can (or no TLS is configured):
    /// for `--check-config`, the start and a reload, before anything is committed.
    package static func problem(_ settings: TLSSettings) -> TLSFileError? {
        guard settings.isConfigured else { return nil }
        do {
            _ = try Self.makeContext(settings)
            return nil
        } catch {
            return error
        }
    }

    private static func makeContext(_ settings: TLSSettings) throws(TLSFileError) -> NIOSSLContext {
        guard let certificateFile = settings.certificateFile, let keyFile = settings.keyFile else {
            throw TLSFileError("TLS needs RPCD_TLS_CERT_FILE and RPCD_TLS_KEY_FILE")
        }
        let chain = try Self.certificates("RPCD_TLS_CERT_FILE", certificateFile)
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSFileError("RPCD_TLS_KEY_FILE \(keyFile): not a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        if let clientCAFile = settings.clientCAFile {
            configuration.trustRoots = .certificates(try Self.certificates("RPCD_TLS_CLIENT_CA_FILE", clientCAFile))
            // Server side, this requires a client certificate that chains to the roots.
            configuration.certificateVerification = .noHostnameVerification
            configuration.sendCANameList = true
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            // The chain and the key each parsed, so what is left is that they do not belong together.
            throw TLSFileError(
                "RPCD_TLS_KEY_FILE \(keyFile): the key does not match the certificate in \(certificateFile) (\(error))"
            )
        }
    }

    private static func certificates(_ key: String, _ path: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSFileError("\(key) \(path): not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else {
            throw TLSFileError("\(key) \(path): holds no PEM certificate")
        }
        return certificates
    }
}
