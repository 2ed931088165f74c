internal import Logging
internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

extension ListeningSockets {
    /// The sockets this rpcd serves on, the same way in every mode: systemd's when it passed any
    /// (they replace `RPCD_LISTEN`), else `RPCD_LISTEN` bound now. Each is logged.
    /// - Returns: nil when an endpoint cannot be bound; the failure is logged and reported
    ///   (with its errno, for `ERRNO=`), and nothing stays bound.
    static func open(
        _ service: ServiceEnvironment,
        _ configuration: DaemonConfiguration,
        notifications: ServiceNotifications,
        logger: Logger
    ) -> ListeningSockets? {
        let sockets: ListeningSockets
        if let activation = service.activation {
            sockets = ListeningSockets.adopt(activation.listeners)
        } else {
            do {
                sockets = try ListeningSockets.bind(configuration.listen)
            } catch {
                logger.error("cannot start", metadata: ["error": "\(error)"])
                notifications.failed("cannot start: \(error)", errno: error.errno)
                return nil
            }
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
