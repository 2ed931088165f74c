internal import CSystemd
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// The service manager's notification channel (`sd_notify(3)`) and watchdog settings, read
/// once at startup.
///
/// Only the master notifies: units use `NotifyAccess=main`, and the master strips
/// `NOTIFY_SOCKET` and `WATCHDOG_*` from every worker's environment.
package struct SystemdNotifier: Sendable {
    /// Whether `NOTIFY_SOCKET` was set: rpcd runs under a `Type=notify` unit.
    package let isEnabled: Bool
    /// The watchdog period (`WATCHDOG_USEC`) when the watchdog is on for this process.
    package let watchdogTimeout: Duration?

    /// A notifier that sends nothing (not under systemd).
    package static let disabled = SystemdNotifier(isEnabled: false, watchdogTimeout: nil)

    package init(isEnabled: Bool, watchdogTimeout: Duration?) {
        self.isEnabled = isEnabled
        self.watchdogTimeout = watchdogTimeout
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`; call once, at startup.
    ///
    /// `WATCHDOG_*` are removed from the environment (nothing started later may see them);
    /// `NOTIFY_SOCKET` stays, because `sd_notify` reads it on every call, and workers get an
    /// environment without it. A `WATCHDOG_PID` naming another process means no watchdog.
    package static func fromEnvironment() -> SystemdNotifier {
        let isEnabled = getenv("NOTIFY_SOCKET").map { $0.pointee != 0 } ?? false
        var microseconds: UInt64 = 0
        // > 0: enabled for this pid; 0: not enabled (or for another pid); < 0: unparsable
        // variables, which systemd never sets, treated as "no watchdog".
        let enabled = sd_watchdog_enabled(1, &microseconds)
        let timeout: Duration? = enabled > 0 && microseconds > 0 ? .microseconds(Int64(microseconds)) : nil
        return SystemdNotifier(isEnabled: isEnabled, watchdogTimeout: timeout)
    }

    /// Sends `state`, newline-separated `KEY=VALUE` assignments, in one datagram.
    /// - Returns: `false` when not under systemd (nothing was sent).
    /// - Throws: `SystemCallError` when the datagram could not be sent.
    @discardableResult
    package func notify(_ state: String) throws(SystemCallError) -> Bool {
        guard self.isEnabled else {
            return false
        }
        let result = sd_notify(0, state)
        if result < 0 {
            throw SystemCallError(call: "sd_notify", errno: Errno(rawValue: -result))
        }
        // 0: NOTIFY_SOCKET vanished from the environment, which rpcd never does; nothing sent.
        return result > 0
    }

    /// `CLOCK_MONOTONIC` in microseconds, as `MONOTONIC_USEC=` takes it with `RELOADING=1`.
    package static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// Makes a `STATUS=` value one line, as the protocol needs (a newline starts the next assignment).
    package static func statusLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
