package import Logging
package import RPCDConfiguration
internal import RPCDSystem

extension ListeningSockets {
    /// The sockets rpcd serves on at start, the same way in every mode: a socket unit's when
    /// systemd passed any (they replace `RPCD_LISTEN`); else `RPCD_LISTEN`, each endpoint served
    /// on the socket systemd's fd store kept for it across a restart, or bound now and, with
    /// `keep`, handed to the store (DESIGN §12).
    ///
    /// Stored sockets of endpoints no longer configured are closed and removed from the store
    /// first, so that a unix path they held can be bound again. A kept unix socket whose file is
    /// gone (a path in `RuntimeDirectory=`, which systemd wipes) is replaced by a new one.
    /// - Parameters:
    ///   - keep: whether systemd may hold the sockets (`NOTIFY_SOCKET` is set).
    /// - Throws: `TransportError` naming the endpoint that cannot be bound; nothing stays open
    ///   then but what the store still holds.
    package static func open(
        _ endpoints: [ListenEndpoint],
        activation: SocketActivation?,
        keep: Bool,
        logger: Logger
    ) throws(TransportError) -> ListeningSockets {
        let stored = activation?.stored ?? []
        if let activation, !activation.listeners.isEmpty {
            // The socket units own the listeners; anything in the store is from another setup.
            Self.discard(stored, removing: true, logger: logger)
            return .adopt(activation.listeners)
        }
        let plan = ListeningSocketStore.plan(endpoints: endpoints, stored: stored)
        Self.discard(plan.stale, removing: true, logger: logger)
        Self.discard(plan.duplicates, removing: false, logger: logger)
        var sockets = ListeningSockets()
        sockets.keepsInStore = keep
        sockets.logger = logger
        do {
            for (index, endpoint) in endpoints.enumerated() {
                if let entry = plan.reused[index], let socket = Self.reuse(entry, for: endpoint, logger: logger) {
                    sockets.bound.append(socket)
                } else {
                    sockets.bound.append(sockets.kept(try Self.bind([endpoint]).bound[0]))
                }
            }
        } catch {
            for socket in sockets.bound {
                // Reused ones stay in the store for the next try; new ones leave it.
                if plan.reused.values.contains(where: { $0.descriptor == socket.descriptor }) {
                    SocketCalls.close(socket.descriptor)
                } else {
                    Self.close(socket)
                }
            }
            throw error
        }
        return sockets
    }

    /// Hands `socket` to systemd's fd store when this set keeps its sockets there.
    func kept(_ socket: ListeningSocket) -> ListeningSocket {
        guard self.keepsInStore, let name = ListeningSocketStore.name(for: socket.endpoint) else {
            return socket
        }
        do {
            guard try SystemdNotifier.store(socket.descriptor, name: name) else {
                return socket
            }
        } catch {
            self.logger?.warning(
                "cannot keep a listening socket in systemd's fd store; it is bound anew at the next start",
                metadata: ["endpoint": "\(socket.endpoint)", "error": "\(error)"]
            )
            return socket
        }
        var socket = socket
        socket.keptName = name
        return socket
    }

    private static func reuse(
        _ entry: ListeningSocketStore.Entry,
        for endpoint: ListenEndpoint,
        logger: Logger
    ) -> ListeningSocket? {
        if case .unix(let path) = endpoint.kind, !FileSystemCalls.isSocket(path) {
            logger.warning(
                "the socket file of a kept unix socket is gone; binding it anew",
                metadata: ["endpoint": "\(endpoint)", "fd.name": "\(entry.name)"]
            )
            Self.discard([entry], removing: true, logger: nil)
            return nil
        }
        logger.info(
            "kept across the restart",
            metadata: ["endpoint": "\(endpoint)", "fd": "\(entry.descriptor)", "fd.name": "\(entry.name)"]
        )
        return ListeningSocket(
            endpoint: endpoint,
            descriptor: entry.descriptor,
            address: entry.address,
            owned: true,
            keptName: entry.name
        )
    }

    /// Closes stored sockets rpcd will not serve on; `removing` also drops them from the store.
    private static func discard(_ entries: [ListeningSocketStore.Entry], removing: Bool, logger: Logger?) {
        for entry in entries {
            SocketCalls.close(entry.descriptor)
            guard removing else { continue }
            do {
                try SystemdNotifier.removeFromStore(name: entry.name)
            } catch {
                logger?.warning(
                    "cannot remove a socket from systemd's fd store",
                    metadata: ["fd.name": "\(entry.name)", "error": "\(error)"]
                )
            }
            logger?.info("closed a kept socket no longer in RPCD_LISTEN", metadata: ["fd.name": "\(entry.name)"])
        }
    }
}
