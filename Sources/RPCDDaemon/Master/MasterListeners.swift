internal import Logging
internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

/// The listening sockets the master binds once and hands to every worker generation.
struct MasterListeners: Sendable {
    struct Bound: Sendable {
        var endpoint: ListenEndpoint
        var descriptor: Int32
        var address: String
        /// Whether rpcd bound it (and so may unlink its socket file); systemd's sockets are
        /// never unlinked or shut down by rpcd.
        var owned = true
    }

    private(set) var bound: [Bound] = []

    /// Binds every endpoint; on failure closes what it bound and throws a message naming the endpoint.
    static func bind(_ endpoints: [ListenEndpoint]) throws(TransportError) -> MasterListeners {
        var listeners = MasterListeners()
        do {
            for endpoint in endpoints {
                try listeners.bound.append(Self.bind(endpoint))
            }
        } catch {
            listeners.closeAll()
            throw error
        }
        return listeners
    }

    /// Takes the sockets systemd passed (socket activation) as they are.
    static func adopt(_ activated: [SocketActivation.Listener]) -> MasterListeners {
        var listeners = MasterListeners()
        listeners.bound = activated.map {
            Bound(endpoint: $0.endpoint, descriptor: $0.descriptor, address: $0.address, owned: false)
        }
        return listeners
    }

    private static func bind(_ endpoint: ListenEndpoint) throws(TransportError) -> Bound {
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
        return Bound(endpoint: endpoint, descriptor: descriptor, address: address)
    }

    /// Keeps the sockets of `endpoints` that are already bound, binds the new ones, and returns
    /// the new set plus the ones no longer wanted (close them once the old generation is gone).
    func updated(to endpoints: [ListenEndpoint]) throws(TransportError) -> (MasterListeners, removed: [Bound]) {
        var next = MasterListeners()
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

    func closeAll() {
        for listener in self.bound {
            Self.close(listener)
        }
    }

    static func close(_ listener: Bound) {
        SocketCalls.close(listener.descriptor)
        if listener.owned, case .unix(let path) = listener.endpoint.kind {
            try? FileSystemCalls.removeIfPresent(path)
        }
    }
}
