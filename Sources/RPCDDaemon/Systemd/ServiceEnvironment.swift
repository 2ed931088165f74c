internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

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

extension ServiceEnvironment {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_*` and `LISTEN_*` once; call before any thread exists.
    /// - Throws: `ActivationError` when systemd passed sockets rpcd cannot serve.
    static func read() throws(ActivationError) -> ServiceEnvironment {
        let notifier = SystemdNotifier.fromEnvironment()
        let sockets = try ActivatedSocket.takeAll()
        // Activated sockets mean a service manager started us, even one that asked for no
        // notifications (DESIGN §9: status.mode).
        return ServiceEnvironment(
            mode: notifier.isEnabled || !sockets.isEmpty ? "systemd" : "foreground",
            notifier: notifier,
            activation: sockets.isEmpty ? nil : try SocketActivation(sockets)
        )
    }
}
