internal import Logging
internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

extension ListeningSockets {
    /// The sockets this rpcd serves on, the same way in every mode: a socket unit's when systemd
    /// passed any (they replace `RPCD_LISTEN`), else `RPCD_LISTEN`, kept by systemd's fd store
    /// across a restart or bound now (`ListeningSockets.open`). Each is logged.
    /// - Returns: nil when an endpoint cannot be bound; the failure is logged and reported
    ///   (with its errno, for `ERRNO=`), and nothing stays bound.
    static func open(
        _ service: ServiceEnvironment,
        _ configuration: DaemonConfiguration,
        notifications: ServiceNotifications,
        logger: Logger
    ) -> ListeningSockets? {
        let sockets: ListeningSockets
        do {
            sockets = try ListeningSockets.open(
                configuration.listen,
                activation: service.activation,
                keep: service.notifier.isEnabled,
                logger: logger
            )
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            notifications.failed("cannot start: \(error)", errno: error.errno)
            return nil
        }
        for socket in sockets.bound {
            socket.logListening(logger)
        }
        return sockets
    }
}

extension ListeningSocket {
    /// The "listening" line every mode logs for each socket it serves on.
    func logListening(_ logger: Logger) {
        logger.info(
            "listening",
            metadata: ["endpoint": "\(self.endpoint)", "role": "\(self.role)", "address": "\(self.address)"]
        )
    }
}
