internal import Logging
package import RPCDConfiguration
internal import RPCDSystem

/// The listening sockets of one rpcd: bound here, the one way rpcd binds (single-process mode,
/// the master, the admin socket), or adopted from systemd.
///
/// Binding is a plain `socket`/`bind`/`listen` so that the master can hand the same descriptors to
/// every worker generation; an `RPCServer` serves on them by adopting the descriptors. Under a
/// unit with an fd store (`keepsInStore`), every socket bound from `RPCD_LISTEN` is also handed
/// to systemd, so that it outlives a restart (`ListeningSockets+Store.swift`).
package struct ListeningSockets: Sendable {
    package internal(set) var bound: [ListeningSocket] = []
    /// Whether sockets bound from `RPCD_LISTEN` go into systemd's fd store (also on reload).
    package internal(set) var keepsInStore = false
    /// Where a failure to store a socket is reported (it then serves, but is bound anew at the next start).
    var logger: Logger?

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
        next.keepsInStore = self.keepsInStore
        next.logger = self.logger
        do {
            for endpoint in endpoints {
                if let existing = self.bound.first(where: { $0.endpoint == endpoint }) {
                    next.bound.append(existing)
                } else {
                    next.bound.append(next.kept(try Self.bind(endpoint)))
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

    /// Closes every socket at a stop (and unlinks the socket files rpcd created). Sockets in
    /// systemd's fd store stay there, files included: rpcd cannot tell a restart from a stop,
    /// and systemd closes the store itself when the unit stops for good.
    package func closeAll() {
        for socket in self.bound {
            SocketCalls.close(socket.descriptor)
            Self.removeSocketFile(of: socket)
        }
    }

    /// Closes one socket whose endpoint is no longer wanted: its socket file goes when rpcd
    /// created it, and systemd's fd store lets go of its copy.
    package static func close(_ socket: ListeningSocket) {
        SocketCalls.close(socket.descriptor)
        if let name = socket.keptName {
            // A removal that cannot be sent leaves the socket in the store; the next start gets it
            // back under a name no endpoint has and closes it there (ListeningSocketStore.Plan.stale).
            _ = try? SystemdNotifier.removeFromStore(name: name)
        }
        if socket.owned, case .unix(let path) = socket.endpoint.kind {
            try? FileSystemCalls.removeIfPresent(path)
        }
    }

    /// Unlinks, at a stop, the socket file of a unix socket rpcd created (systemd's stay, and
    /// so do those of sockets in its fd store, which the next start serves on again).
    package static func removeSocketFile(of socket: ListeningSocket) {
        if socket.owned, socket.keptName == nil, case .unix(let path) = socket.endpoint.kind {
            try? FileSystemCalls.removeIfPresent(path)
        }
    }
}
