package import RPCDConfiguration

/// One listener of an `RPCServer`: what it serves, and whether it binds or adopts a socket.
package struct ServerListener: Sendable, Hashable {
    /// The endpoint and framing.
    package var endpoint: ListenEndpoint
    /// An already-listening socket to adopt (a worker's inherited fd, a systemd socket); nil binds `endpoint`.
    package var descriptor: Int32?
    /// Whether this server removes the unix socket file when it stops (only the one that created it does).
    package var removesSocketFile: Bool

    /// A listener that binds `endpoint` itself and cleans up after itself.
    package init(binding endpoint: ListenEndpoint) {
        self.endpoint = endpoint
        self.descriptor = nil
        self.removesSocketFile = true
    }

    /// A listener that adopts a listening socket someone else bound; its socket file is left alone.
    package init(adopting descriptor: Int32, as endpoint: ListenEndpoint) {
        self.endpoint = endpoint
        self.descriptor = descriptor
        self.removesSocketFile = false
    }
}
