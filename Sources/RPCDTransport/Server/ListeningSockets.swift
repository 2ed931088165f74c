package import RPCDConfiguration
internal import RPCDSystem

/// The listening sockets of one rpcd: bound here, the one way rpcd binds (single-process mode,
/// the master, the admin socket), or adopted from systemd.
///
/// Binding is a plain `socket`/`bind`/`listen` so that the master can hand the same descriptors to
/// every worker generation; an `RPCServer` serves on them by adopting the descriptors.
package struct ListeningSockets: Sendable {
    package private(set) var bound: [ListeningSocket] = []

    /// Binds every endpoint; on failure closes what it bound.
    /// - Throws: `TransportError` naming the endpoint, `.addressInUse` (with its errno) for a port in use.
    package static func bind(_ endpoints: [ListenEndpoint]) throws(TransportError) -> ListeningSockets {
        var sockets = ListeningSockets()
        do {
            for endpoint in endpoints {
                try sockets.bound.append(Self.bind(endpoint))
            }
        } catch {
            sockets.closeAll()
            throw error
        }
        return sockets
    }

    /// Takes sockets someone else bound (systemd's socket activation) as they are.
    package static func adopt(_ sockets: [ListeningSocket]) -> ListeningSockets {
        var adopted = ListeningSockets()
        adopted.bound = sockets.map { socket in
            var socket = socket
            socket.owned = false
            return socket
        }
        return adopted
    }

    /// Whether systemd passed these sockets: then `RPCD_LISTEN` plays no part, also on reload.
    package var areActivated: Bool { self.bound.contains { !$0.owned } }

    private static func bind(_ endpoint: ListenEndpoint) throws(TransportError) -> ListeningSocket {
        let descriptor: Int32
        switch endpoint.kind {
        case .tcp(let host, let port):
            do {
                descriptor = try SocketCalls.listenTCP(host: host, port: port)
            } catch  where error.errno == .addressInUse {
                throw TransportError(code: .addressInUse, message: "address already in use: \(endpoint)", cause: error)
            } catch {
                throw TransportError(code: .bindFailed, message: "cannot listen on \(endpoint): \(error)", cause: error)
            }
        case .unix(let path):
            try StaleSocketFile.clear(path, for: endpoint)
            do {
                descriptor = try SocketCalls.listenUnix(path: path)
                if let mode = endpoint.unixMode {
                    try FileSystemCalls.setMode(path, mode)
                }
            } catch {
                throw TransportError(code: .bindFailed, message: "cannot listen on \(endpoint): \(error)", cause: error)
            }
        }
        let address: String
        switch endpoint.kind {
        case .unix(let path): address = path
        case .tcp: address = (try? SocketCalls.localAddress(descriptor)) ?? endpoint.description
        }
        return ListeningSocket(endpoint: endpoint, descriptor: descriptor, address: address, owned: true)
    }

    /// Keeps the sockets of `endpoints` that are already bound, binds the new ones, and returns
    /// the new set plus the ones no longer wanted (close them once the old generation is gone).
    /// - Throws: `TransportError` for an endpoint that cannot be bound; nothing new stays open then.
    package func updated(
        to endpoints: [ListenEndpoint]
    ) throws(TransportError) -> (sockets: ListeningSockets, removed: [ListeningSocket]) {
        var next = ListeningSockets()
        do {
            for endpoint in endpoints {
                if let existing = self.bound.first(where: { $0.endpoint == endpoint }) {
                    next.bound.append(existing)
                } else {
                    next.bound.append(try Self.bind(endpoint))
                }
            }
        } catch {
            for added in next.bound where !self.bound.contains(where: { $0.descriptor == added.descriptor }) {
                Self.close(added)
            }
            throw error
        }
        let removed = self.bound.filter { old in !next.bound.contains { $0.descriptor == old.descriptor } }
        return (next, removed)
    }

    /// Closes every socket (and unlinks the socket files rpcd created).
    package func closeAll() {
        for socket in self.bound {
            Self.close(socket)
        }
    }

    /// Closes one socket and, when rpcd created it, unlinks its socket file.
    package static func close(_ socket: ListeningSocket) {
        SocketCalls.close(socket.descriptor)
        Self.removeSocketFile(of: socket)
    }

    /// Unlinks the socket file of a unix socket rpcd created (systemd's stay).
    package static func removeSocketFile(of socket: ListeningSocket) {
        if socket.owned, case .unix(let path) = socket.endpoint.kind {
            try? FileSystemCalls.removeIfPresent(path)
        }
    }
}
