internal import Logging
internal import RPCDTransport
internal import UnixSignals

/// How rpcd reacts to stop signals while it serves.
///
/// The first TERM, QUIT or INT drains (stop accepting, finish in-flight calls); a second TERM or
/// INT, or a drain that outlasts `RPCD_SHUTDOWN_TIMEOUT`, closes every connection at once.
/// swift-service-lifecycle's `ServiceGroup` cannot express this: it refuses a signal that is both
/// a graceful-shutdown and a cancellation signal.
enum StopSignals {
    static func serveUntilStopped(_ server: RPCServer, shutdownTimeout: Duration, logger: Logger) async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigquit, .sigint)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await server.run()
            }
            group.addTask {
                var draining = false
                for await signal in signals {
                    if !draining {
                        draining = true
                        logger.info("stop signal received, draining", metadata: ["signal": "\(signal)"])
                        server.beginShutdown(timeout: shutdownTimeout)
                    } else if signal != .sigquit {
                        logger.info("second stop signal received, closing connections", metadata: ["signal": "\(signal)"])
                        server.closeAllConnections()
                    }
                }
            }
            // The server returns once drained; then the signal watcher and timer are not needed.
            await group.next()
            group.cancelAll()
        }
    }
}
