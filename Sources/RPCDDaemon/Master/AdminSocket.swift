internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

/// The admin control socket: newline-delimited JSON-RPC on a unix socket only the operator reaches.
enum AdminSocket {
    static func authorizer(_ configuration: DaemonConfiguration, logger: Logger) -> AdminAuthorizer {
        AdminAuthorizer(
            ownUserID: UserDatabase.effectiveUserID,
            adminGroupID: configuration.adminGroup.flatMap(UserDatabase.groupID(named:)),
            logger: logger
        )
    }

    /// Creates the socket's directory if needed, binds it (0600, or 0660 with an admin group) and
    /// returns the server, not yet running; or serves the admin socket systemd passed
    /// (`activated`), whose file and mode belong to its socket unit.
    static func open(
        configuration: DaemonConfiguration,
        activated: (descriptor: Int32, path: String)?,
        registry: MethodRegistry,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws -> RPCServer {
        let dispatcher = Dispatcher(
            registry: registry,
            serverInfo: ServerInfo(title: "rpcd admin", version: RPCDVersion.current)
        )
        let limits = TransportLimits(maxRequestBytes: 64 * 1024, maxConnections: 64, idleTimeout: .seconds(600))
        if let activated {
            let server = RPCServer(
                listeners: [
                    ServerListener(
                        adopting: activated.descriptor,
                        as: ListenEndpoint(kind: .unix(path: activated.path), framing: .ndjson)
                    )
                ],
                dispatcher: dispatcher,
                limits: limits,
                group: group,
                logger: logger
            )
            _ = try await server.bind()
            logger.info("admin socket", metadata: ["path": "\(activated.path)", "activated": "true"])
            return server
        }
        let path = configuration.adminSocket
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty {
            try FileSystemCalls.makeDirectories(directory, mode: 0o755)
        }
        let mode: UInt16 = configuration.adminGroup == nil ? 0o600 : 0o660
        let endpoint = ListenEndpoint(kind: .unix(path: path), framing: .ndjson, unixMode: mode)
        let server = RPCServer(
            endpoints: [endpoint],
            dispatcher: dispatcher,
            limits: limits,
            group: group,
            logger: logger
        )
        _ = try await server.bind()
        if let gid = configuration.adminGroup.flatMap(UserDatabase.groupID(named:)) {
            try FileSystemCalls.setGroup(path, gid)
        }
        logger.info("admin socket", metadata: ["path": "\(path)"])
        return server
    }
}
