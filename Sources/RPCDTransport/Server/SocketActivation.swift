internal import RPCDConfiguration
package import RPCDSystem

/// Socket-activated sockets sorted by role, from their `FileDescriptorName=` (DESIGN §3):
/// `admin` is the admin socket, a name starting with `https` is HTTP over TLS, `http` HTTP,
/// `tls` newline-delimited JSON over TLS, any other newline-delimited JSON; and, apart, the sockets rpcd itself put into systemd's fd store
/// before a restart (named `listen=…`, `ListeningSocketStore`), which `RPCD_LISTEN` still governs.
package struct SocketActivation: Sendable {
    /// The RPC listeners, never unlinked or shut down by rpcd.
    package var listeners: [ListeningSocket] = []
    /// The admin socket and its path.
    package var admin: (descriptor: Int32, path: String)?
    /// The listening sockets systemd's fd store kept for rpcd across a restart.
    package var stored: [ListeningSocketStore.Entry] = []

    /// Every passed descriptor.
    package var descriptors: [Int32] {
        self.listeners.map(\.descriptor) + (self.admin.map { [$0.descriptor] } ?? []) + self.stored.map(\.descriptor)
    }

    /// Sorts `sockets` by role.
    /// - Throws: `ActivationError` for an admin socket that is not a unix socket (its access
    ///   check needs the peer's credentials), an abstract unix socket (nothing to name it by),
    ///   two admin sockets, or neither an RPC listener nor a stored socket.
    package init(_ sockets: [ActivatedSocket]) throws(ActivationError) {
        func fail(_ message: String) -> ActivationError {
            ActivationError(code: .unsupportedSocket, message: message)
        }
        for socket in sockets {
            let isUnix = socket.isUnix
            if isUnix, !socket.address.hasPrefix("/") {
                throw fail(
                    "socket fd \(socket.descriptor) ('\(socket.name)') is an abstract or unnamed unix socket; "
                        + "use a path in ListenStream="
                )
            }
            if ListeningSocketStore.isStoredName(socket.name) {
                self.stored.append(
                    ListeningSocketStore.Entry(
                        name: socket.name,
                        descriptor: socket.descriptor,
                        address: socket.address
                    )
                )
                continue
            }
            if socket.name == "admin" {
                guard isUnix else {
                    throw fail(
                        "the admin socket (fd \(socket.descriptor)) must be a unix socket: "
                            + "its access check reads the peer's credentials"
                    )
                }
                guard self.admin == nil else {
                    throw fail("more than one socket is named 'admin'; use one admin socket unit")
                }
                self.admin = (socket.descriptor, socket.address)
                continue
            }
            let name = socket.name.lowercased()
            let framing: ListenEndpoint.Framing = name.hasPrefix("http") ? .http : .ndjson
            let tls = name.hasPrefix("https") || name.hasPrefix("tls")
            let kind: ListenEndpoint.Kind
            if isUnix {
                kind = .unix(path: socket.address)
            } else {
                // getsockname's text ("127.0.0.1:7700", "[::1]:7700"), read by the endpoint parser.
                do {
                    kind = try ListenEndpoint.parse("tcp://\(socket.address)").kind
                } catch {
                    throw fail("socket fd \(socket.descriptor) ('\(socket.name)'): \(error)")
                }
            }
            self.listeners.append(
                ListeningSocket(
                    endpoint: ListenEndpoint(kind: kind, framing: framing, tls: tls),
                    descriptor: socket.descriptor,
                    address: socket.address,
                    owned: false
                )
            )
        }
        guard !self.listeners.isEmpty || !self.stored.isEmpty else {
            throw fail("systemd passed no RPC socket (only an admin socket); add rpcd.socket to Sockets=")
        }
    }
}
