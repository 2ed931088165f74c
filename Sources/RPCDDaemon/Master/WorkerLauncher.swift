internal import RPCDSystem
internal import RPCDTransport

/// Starts one worker process: `posix_spawn` of rpcd's own executable in worker mode, with exactly
/// the control socket (fd 3) and the listening sockets (fds 4…) (DESIGN §5).
struct WorkerLauncher {
    /// The config file workers read (`--config`), as the master resolved it.
    var configFile: String?
    /// The log level workers start at: the live one, which an operator may have changed.
    var logLevel: String
    /// Whether rpcd runs as a classic daemon, which decides where `RPCD_LOG_TARGET=auto` writes.
    var daemon: Bool

    /// Spawns the worker.
    /// - Returns: its pid and the master's end of its control socketpair (close-on-exec).
    /// - Throws: `SystemCallError` for the socketpair or the spawn; nothing stays open then.
    func launch(
        _ identity: WorkerIdentity,
        listeners: [ListeningSocket]
    ) throws(SystemCallError) -> (
        pid: Int32, control: Int32
    ) {
        let (masterEnd, workerEnd) = try SocketCalls.streamPair()
        // The master's end never reaches a worker: it is close-on-exec and not in the mapping.
        defer { SocketCalls.close(workerEnd) }
        var descriptors: [(parent: Int32, child: Int32)] = [(workerEnd, WorkerIdentity.controlFD)]
        for (index, listener) in listeners.enumerated() {
            descriptors.append((listener.descriptor, WorkerIdentity.firstListenerFD + Int32(index)))
        }
        var arguments = ["rpcd"] + identity.arguments
        if let file = self.configFile {
            arguments += ["--config", file]
        }
        do {
            let pid = try ProcessSpawner.spawn(
                path: "/proc/self/exe",
                arguments: arguments,
                environment: self.environment(ProcessFacts.environment),
                descriptors: descriptors
            )
            return (pid, masterEnd)
        } catch {
            SocketCalls.close(masterEnd)
            throw error
        }
    }

    /// The master's environment minus systemd's per-process variables, which belong to the
    /// master alone (DESIGN §6).
    ///
    /// Swift's crash reporter is off in workers unless `SWIFT_BACKTRACE` says otherwise: it holds
    /// a crashed worker for a second or more while it writes a report (the master already logs
    /// the exit and signal), which would delay the replacement far past its 100 ms budget.
    ///
    /// The live log level goes in too: a worker must start at it, not learn it after its first
    /// lines. So does daemon mode: workers log as a daemon does (stderr is /dev/null), `auto`
    /// meaning journald or syslog.
    func environment(_ inherited: [String: String]) -> [String: String] {
        var environment = inherited.filter { key, _ in
            !key.hasPrefix("LISTEN_") && !key.hasPrefix("WATCHDOG_") && key != "NOTIFY_SOCKET"
        }
        environment["RPCD_LOG_LEVEL"] = self.logLevel
        if self.daemon {
            environment["RPCD_DAEMON"] = "1"
        }
        if environment["SWIFT_BACKTRACE"] == nil {
            environment["SWIFT_BACKTRACE"] = "enable=no"
        }
        return environment
    }
}
