internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDAccess
internal import RPCDConfiguration
internal import RPCDSystem
internal import RPCDTransport

/// The admin control socket: newline-delimited JSON-RPC on a unix socket only the operator reaches.
enum AdminSocket {
    static func authorizer(_ configuration: DaemonConfiguration, logger: Logger) -> AdminAuthorizer {
        let groupID = configuration.adminGroup.flatMap(UserDatabase.groupID(named:))
        return AdminAuthorizer(
            rule: AdminAccessRule(ownUserID: UserDatabase.effectiveUserID, adminGroupID: groupID),
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
        let sockets: ListeningSockets
        let path: String
        if let activated {
            path = activated.path
            let endpoint = ListenEndpoint(kind: .unix(path: path), framing: .ndjson)
            sockets = .adopt([
                ListeningSocket(endpoint: endpoint, descriptor: activated.descriptor, address: path, owned: false)
            ])
        } else {
            path = configuration.adminSocket
            let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            if !directory.isEmpty {
                try FileSystemCalls.makeDirectories(directory, mode: 0o755)
            }
            let mode: UInt16 = configuration.adminGroup == nil ? 0o600 : 0o660
            sockets = try .bind([ListenEndpoint(kind: .unix(path: path), framing: .ndjson, unixMode: mode)])
            if let gid = configuration.adminGroup.flatMap(UserDatabase.groupID(named:)) {
                do {
                    try FileSystemCalls.setGroup(path, gid)
                } catch {
                    sockets.closeAll()
                    throw error
                }
            }
        }
        let server = RPCServer(
            listeners: sockets.bound,
            dispatcher: dispatcher,
            limits: limits,
            group: group,
            logger: logger
        )
        try await server.bind()
        logger.info("admin socket", metadata: ["path": "\(path)", "activated": "\(activated != nil)"])
        return server
    }
}
