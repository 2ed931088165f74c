package import RPCDConfiguration

/// A listener after binding: what was asked for and where it actually listens.
package struct BoundListener: Sendable, Hashable {
    /// The endpoint as configured.
    package var endpoint: ListenEndpoint
    /// The bound address: `HOST:PORT`, `[V6]:PORT` or the unix socket path (port 0 resolved).
    package var address: String
    /// `ndjson`, `length` or `http`.
    package var role: String { self.endpoint.role }
}
