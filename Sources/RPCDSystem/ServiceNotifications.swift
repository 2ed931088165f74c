package import Logging
internal import Synchronization

/// The master's side of the `sd_notify` protocol (DESIGN §6): READY, STATUS, RELOADING,
/// STOPPING, fatal errors, and the watchdog ping, paced and sent only while healthy; and, in
/// classic daemon mode, the same READY or failure through the readiness pipe.
///
/// Every call is a no-op when rpcd does not run under a `Type=notify` unit. A failed send is
/// logged once; the service manager's verdict (a start timeout) says the rest.
package final class ServiceNotifications: Sendable {
    private struct State {
        var lastStatus = ""
        var lastStatusAt: ContinuousClock.Instant?
        var lastPing: ContinuousClock.Instant?
        var reportedFailure = false
    }

    private let notifier: SystemdNotifier
    private let readiness: ReadinessPipe?
    private let logger: Logger
    private let state = Mutex(State())

    /// How often a changed `STATUS=` is sent at most.
    package static let statusInterval: Duration = .seconds(1)

    /// Notifies through `notifier` and, in classic daemon mode, the `readiness` pipe.
    package init(notifier: SystemdNotifier, readiness: ReadinessPipe?, logger: Logger) {
        self.notifier = notifier
        self.readiness = readiness
        self.logger = logger
    }

    /// The watchdog period, when systemd asked for pings.
    package var watchdogTimeout: Duration? { self.notifier.watchdogTimeout }

    /// Serving: listeners accept, the admin socket is up, the first workers are ready. In
    /// classic daemon mode the waiting original process exits 0 at the first one.
    package func ready(status: String) {
        self.readiness?.ready()
        self.remember(status)
        self.send("READY=1\nSTATUS=\(SystemdNotifier.statusLine(status))")
    }

    /// A reload starts: `RELOADING=1` with the monotonic time, in one datagram, as systemd wants.
    package func reloading() {
        self.send("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())\nSTATUS=reloading")
    }

    /// A stop has begun.
    package func stopping(status: String) {
        self.send("STOPPING=1\nSTATUS=\(SystemdNotifier.statusLine(status))")
    }

    /// The process is about to exit with an error: the status line and errno appear in
    /// `systemctl status`.
    package func failed(_ message: String, errno: Int32? = nil) {
        self.readiness?.failed(message, exitCode: 1)
        var state = "STATUS=\(SystemdNotifier.statusLine(message))"
        if let errno {
            state += "\nERRNO=\(errno)"
        }
        self.send(state)
    }

    /// Called often (every 100 ms) from the loop whose liveness matters: pings the watchdog at
    /// half its period while `healthy`, and sends `status` when it changed (at most once a second).
    package func tick(healthy: Bool, status: @autoclosure () -> String) {
        guard self.notifier.isEnabled else {
            return
        }
        let now = ContinuousClock.now
        var message: [String] = []
        self.state.withLock { state in
            if healthy, let timeout = self.notifier.watchdogTimeout,
                state.lastPing.map({ now - $0 >= timeout / 2 }) ?? true
            {
                state.lastPing = now
                message.append("WATCHDOG=1")
            }
            if state.lastStatusAt.map({ now - $0 >= Self.statusInterval }) ?? true {
                let current = status()
                if current != state.lastStatus {
                    state.lastStatus = current
                    state.lastStatusAt = now
                    message.append("STATUS=\(SystemdNotifier.statusLine(current))")
                }
            }
        }
        if !message.isEmpty {
            self.send(message.joined(separator: "\n"))
        }
    }

    private func remember(_ status: String) {
        self.state.withLock { state in
            state.lastStatus = status
            state.lastStatusAt = .now
        }
    }

    private func send(_ message: String) {
        do {
            try self.notifier.notify(message)
        } catch {
            let first = self.state.withLock { state in
                defer { state.reportedFailure = true }
                return !state.reportedFailure
            }
            if first {
                self.logger.error("cannot notify systemd", metadata: ["error": "\(error)"])
            }
        }
    }
}
