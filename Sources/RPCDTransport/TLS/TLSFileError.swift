/// Why the `RPCD_TLS_*` files cannot serve: the message names the file and the reason.
package struct TLSFileError: Error, Sendable, CustomStringConvertible {
    /// E.g. `RPCD_TLS_KEY_FILE /etc/rpcd/key.pem: the key does not match the certificate in …`.
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { self.message }
}
