internal import Logging
internal import RPCDLogging
internal import RPCDSystem
internal import RPCDTransport

/// How a single-process rpcd reacts to signals while it serves.
///
/// The first TERM, QUIT or INT drains (after `RPCD_STOP_GRACE` out of rotation: stop accepting,
/// finish in-flight calls); a second TERM or INT (during the grace too) closes every connection at once, and so does a drain that outlasts
/// `RPCD_SHUTDOWN_TIMEOUT`. USR1 reopens log files, HUP re-reads the TLS files. Every signal is logged with its sender's pid.
/// swift-service-lifecycle's `ServiceGroup` cannot express this: it refuses a signal that is both
/// a graceful-shutdown and a cancellation signal, and it does not report the sender.
enum StopSignals {
    /// The signals rpcd handles; `DaemonLauncher` blocks them before any thread exists.
    static let handled: [Int32] = [
        SignalNumber.terminate, SignalNumber.interrupt, SignalNumber.quit, SignalNumber.hangup, SignalNumber.user1,
        SignalNumber.user2, SignalNumber.terminalInput, SignalNumber.terminalOutput, SignalNumber.child,
    ]

    /// Starts reading the handled signals from a `signalfd`.
    /// - Returns: nil when that fails (logged and reported: rpcd cannot run without it).
    static func receiver(notifications: ServiceNotifications, logger: Logger) -> SignalReceiver? {
        do {
            return try SignalReceiver(Self.handled)
        } catch {
            logger.error("cannot receive signals", metadata: ["error": "\(error)"])
            notifications.failed("cannot receive signals: \(error)", errno: error.errno.rawValue)
            return nil
        }
    }

    static func serveUntilStopped(
        _ server: RPCServer,
        signals: SignalReceiver,
        shutdownTimeout: Duration,
        stopGrace: Duration,
        notifications: ServiceNotifications,
        logger: Logger
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await server.run()
            }
            group.addTask {
                var draining = false
                for await signal in signals.signals where signal.number != SignalNumber.child {
                    defer {
                        logger.info(
                            "signal received",
                            metadata: ["signal": "\(signal)", "sender.pid": "\(signal.senderPID)"]
                        )
                    }
                    switch signal.number {
                    case SignalNumber.terminate, SignalNumber.quit, SignalNumber.interrupt:
                        if !draining {
                            draining = true
                            notifications.stopping(status: "draining")
                            // Draining starts before the signal is logged: whoever sees the log
                            // line can rely on new connections being refused.
                            server.beginShutdown(timeout: shutdownTimeout, grace: stopGrace)
                        } else if signal.number != SignalNumber.quit {
                            logger.notice("second stop signal, closing every connection now")
                            server.closeAllConnections()
                        }
                    case SignalNumber.user1:
                        do {
                            try LogOutput.reopen()
                            logger.info("log file reopened")
                        } catch {
                            logger.error("cannot reopen the log file", metadata: ["error": "\(error)"])
                        }
                    case SignalNumber.hangup:
                        do {
                            if try server.reloadTLS() { logger.info("TLS certificate reloaded") }
                        } catch {
                            logger.error("reload refused: invalid TLS files", metadata: ["error": "\(error)"])
                        }
                    default:
                        logger.notice("signal has no effect in single-process mode", metadata: ["signal": "\(signal)"])
                    }
                }
            }
            // The server returns once drained; the signal watcher is then no longer needed.
            await group.next()
            group.cancelAll()
        }
    }
}
