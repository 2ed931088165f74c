/// What `rpcd-admin call` trusts and presents on a `tls://` or `https://` URL.
package struct TLSClientSettings: Sendable, Hashable {
    /// `--cacert FILE`: PEM CA certificates to verify the server with; nil uses the system's.
    package var caFile: String?
    /// `--cert FILE`: a PEM client certificate for mutual TLS.
    package var certificateFile: String?
    /// `--key FILE`: the client certificate's PEM private key.
    package var keyFile: String?

    package init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
