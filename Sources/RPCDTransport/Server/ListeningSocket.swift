package import RPCDConfiguration

/// One listening socket, bound by rpcd or passed by systemd, with what it serves.
package struct ListeningSocket: Sendable, Hashable {
    /// The endpoint as configured (or derived from an activated socket's name and address).
    package var endpoint: ListenEndpoint
    /// The listening descriptor.
    package var descriptor: Int32
    /// The bound address: `HOST:PORT`, `[V6]:PORT` or the unix socket path (port 0 resolved).
    package var address: String
    /// Whether rpcd bound it (and so may unlink its socket file); systemd's sockets are never
    /// unlinked or shut down by rpcd.
    package var owned: Bool
    /// The FDNAME under which systemd's fd store holds a copy (`ListeningSocketStore`), so that
    /// it outlives a restart: its socket file then stays when rpcd stops, and it leaves the
    /// store only when a reload drops its endpoint.
    package var keptName: String?

    /// A socket described by its parts.
    package init(endpoint: ListenEndpoint, descriptor: Int32, address: String, owned: Bool, keptName: String? = nil) {
        self.endpoint = endpoint
        self.descriptor = descriptor
        self.address = address
        self.owned = owned
        self.keptName = keptName
    }

    /// `ndjson`, `length` or `http`.
    package var role: String { self.endpoint.role }
}
