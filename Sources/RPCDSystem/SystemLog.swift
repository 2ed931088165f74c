internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#endif

/// The system logger (`syslog(3)`), for the `syslog` log target: facility `daemon`, the pid in
/// every message.
package enum SystemLog {
    private static let opened = Atomic<Bool>(false)

    /// Opens the connection to the system logger with `identifier` as the ident; only the first
    /// call of a process has an effect.
    package static func open(identifier: String) {
        guard !self.opened.exchange(true, ordering: .relaxed) else {
            return
        }
        // openlog keeps the ident pointer, so it must live as long as the process: allocated
        // once and never freed. No LOG_NDELAY: connect on the first message.
        openlog(strdup(identifier), LOG_PID, LOG_DAEMON)
    }

    /// Sends one message at `priority` (a `syslog(3)` level: 7 debug ... 2 critical).
    package static func send(_ message: String, priority: Int32) {
        // syslog(3) is variadic and not callable from Swift; vsyslog with "%s" is, and keeps a
        // `%` in the message from being read as a format.
        message.withCString { text in
            withVaList([text]) { arguments in
                vsyslog(priority, "%s", arguments)
            }
        }
    }
}
