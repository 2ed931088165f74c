internal import RPCDAdmin
package import RPCDTransport

extension DaemonConfiguration {
    /// The config file read when `RPCD_CONFIG` is not set, if it exists.
    package static let defaultConfigFile = "/etc/rpcd/rpcd.env"

    /// `RPCD_LISTEN` when not set: `tcp://127.0.0.1:7700,http://127.0.0.1:7701`.
    package static let defaultListen = [
        ListenEndpoint(kind: .tcp(host: "127.0.0.1", port: 7700), framing: .ndjson),
        ListenEndpoint(kind: .tcp(host: "127.0.0.1", port: 7701), framing: .http),
    ]

    /// The default admin socket (DESIGN §3), resolved by ``AdminSocketPath`` so that `rpcd-admin`
    /// finds the same path: `$RUNTIME_DIRECTORY/admin.sock` (its first entry when colon-separated),
    /// else `/run/rpcd/admin.sock` as root, else `$XDG_RUNTIME_DIR/rpcd/admin.sock`, else
    /// `/tmp/rpcd-$UID/admin.sock`.
    /// - Parameters:
    ///   - environment: the process environment; only `RUNTIME_DIRECTORY` and `XDG_RUNTIME_DIR` matter.
    ///   - effectiveUserID: `geteuid()`, deciding whether `/run/rpcd` is ours.
    ///   - userID: `getuid()`, naming the `/tmp` fallback.
    package static func defaultAdminSocket(
        environment: [String: String],
        effectiveUserID: UInt32,
        userID: UInt32
    ) -> String {
        AdminSocketPath.default(environment: environment, effectiveUserID: effectiveUserID, userID: userID)
    }

    /// The default pidfile: none in the foreground; in daemon mode `/run/rpcd/rpcd.pid` as root,
    /// else `$XDG_RUNTIME_DIR/rpcd/rpcd.pid`, else `/tmp/rpcd-$UID/rpcd.pid`.
    package static func defaultPidfile(
        daemon: Bool,
        environment: [String: String],
        effectiveUserID: UInt32,
        userID: UInt32
    ) -> String? {
        guard daemon else {
            return nil
        }
        let directory = AdminSocketPath.privateRuntimeDirectory(
            environment: environment,
            effectiveUserID: effectiveUserID,
            userID: userID
        )
        return AdminSocketPath.join(directory, "rpcd.pid")
    }
}
