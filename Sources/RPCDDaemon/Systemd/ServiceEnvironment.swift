internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

#if canImport(Glibc)
internal import Glibc
#endif

/// What the process learned at startup about how it is run: the service manager's notification
/// socket and watchdog, the sockets it passed, and the mode `rpcd-admin status` reports.
///
/// Read once, before any thread exists (DESIGN §6); workers never see any of it.
struct ServiceEnvironment: Sendable {
    /// `foreground`, `daemon` or `systemd`.
    var mode: String
    var notifier: SystemdNotifier
    /// The listeners and admin socket systemd passed; `nil` without socket activation.
    var activation: SocketActivation?
    /// In classic daemon mode, the pipe to the original process waiting for the daemon to serve.
    var readiness: ReadinessPipe?

    static let foreground = ServiceEnvironment(mode: "foreground", notifier: .disabled, activation: nil)

    /// Reports a start-up failure where someone will see it: the waiting original process in
    /// daemon mode, else stderr; and systemd's status line.
    func report(_ message: String, exitCode: Int32) {
        if let readiness = self.readiness {
            readiness.failed(message, exitCode: exitCode)
        } else {
            StandardError.write("rpcd: \(message)\n")
        }
        _ = try? self.notifier.notify("STATUS=\(SystemdNotifier.statusLine(message))")
    }
}

/// Socket-activated sockets sorted by role, from their `FileDescriptorName=` (DESIGN §3):
/// `admin` is the admin socket, a name starting with `http` is HTTP, any other is
/// newline-delimited JSON.
struct SocketActivation: Sendable {
    struct Listener: Sendable {
        var endpoint: ListenEndpoint
        var descriptor: Int32
        var address: String
    }

    var listeners: [Listener] = []
    /// The admin socket and its path.
    var admin: (descriptor: Int32, path: String)?

    /// Every passed descriptor.
    var descriptors: [Int32] {
        self.listeners.map(\.descriptor) + (self.admin.map { [$0.descriptor] } ?? [])
    }

    /// Sorts `sockets` by role.
    /// - Throws: `ActivationError` for an admin socket that is not a unix socket (its access
    ///   check needs the peer's credentials), an abstract unix socket (nothing to name it by),
    ///   two admin sockets, or no RPC listener at all.
    init(_ sockets: [ActivatedSocket]) throws(ActivationError) {
        func fail(_ message: String) -> ActivationError {
            ActivationError(code: .unsupportedSocket, message: message)
        }
        for socket in sockets {
            let isUnix = socket.family == AF_UNIX
            if isUnix, !socket.address.hasPrefix("/") {
                throw fail(
                    "socket fd \(socket.descriptor) ('\(socket.name)') is an abstract or unnamed unix socket; "
                        + "use a path in ListenStream="
                )
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
            let framing: ListenEndpoint.Framing = socket.name.lowercased().hasPrefix("http") ? .http : .ndjson
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
                Listener(
                    endpoint: ListenEndpoint(kind: kind, framing: framing),
                    descriptor: socket.descriptor,
                    address: socket.address
                )
            )
        }
        guard !self.listeners.isEmpty else {
            throw fail("systemd passed no RPC socket (only an admin socket); add rpcd.socket to Sockets=")
        }
    }
}

extension ServiceEnvironment {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_*` and `LISTEN_*` once; call before any thread exists.
    /// - Throws: `ActivationError` when systemd passed sockets rpcd cannot serve.
    static func read() throws(ActivationError) -> ServiceEnvironment {
        let notifier = SystemdNotifier.fromEnvironment()
        let sockets = try ActivatedSocket.takeAll()
        return ServiceEnvironment(
            mode: notifier.isEnabled ? "systemd" : "foreground",
            notifier: notifier,
            activation: sockets.isEmpty ? nil : try SocketActivation(sockets)
        )
    }
}
