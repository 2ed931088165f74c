/// The `RPCD_TLS_*` keys: the files behind `tls://` and `https://` listeners (DESIGN §11).
///
/// Only paths: the files are read and checked (PEM, the key matching the certificate) where
/// TLS is served, by `RPCDTransport`'s `TLSServerContext`, at start, `--check-config` and reload.
package struct TLSSettings: Sendable, Equatable {
    /// `RPCD_TLS_CERT_FILE`: the server certificate in PEM, leaf first, optionally followed by its chain.
    package var certificateFile: String?
    /// `RPCD_TLS_KEY_FILE`: the certificate's private key in PEM.
    package var keyFile: String?
    /// `RPCD_TLS_CLIENT_CA_FILE`: PEM CA certificates; when set, every TLS client must present a
    /// certificate they signed (mutual TLS), and its subject CN is the connection's credential.
    package var clientCAFile: String?

    /// No TLS.
    package init() {}

    /// Whether a certificate and key are configured.
    package var isConfigured: Bool { self.certificateFile != nil && self.keyFile != nil }
}
