package import JSONRPC

/// Fired down a TLS connection's pipeline once its handshake is done, before any request is
/// read: the JSON-RPC handlers take the transport name and the client certificate's name from it.
package struct TLSConnectionEvent: Sendable {
    /// `tls` or `https`.
    package var transport: String
    /// The verified client certificate's subject CN (mutual TLS), or nil.
    package var credential: String?

    /// Puts the connection's transport and credential into the context of its calls.
    package func apply(to context: inout RequestContext) {
        context.transport = self.transport
        if let credential = self.credential {
            context.credential = credential
        }
    }
}
