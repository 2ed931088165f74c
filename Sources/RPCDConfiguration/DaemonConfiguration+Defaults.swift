extension DaemonConfiguration {
    /// The config file read when `RPCD_CONFIG` is not set, if it exists.
    package static let defaultConfigFile = "/etc/rpcd/rpcd.env"

    /// The backends' directory read when `RPCD_BACKENDS_DIR` is not set, if it exists.
    package static let defaultBackendsDirectory = "/etc/rpcd/backends.d"

    /// `PATH` for finding a backend's program when rpcd's environment has none.
    package static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    /// `RPCD_LISTEN` when not set: `tcp://127.0.0.1:7700,http://127.0.0.1:7701`.
    package static let defaultListen = [
        ListenEndpoint(kind: .tcp(host: "127.0.0.1", port: 7700), framing: .ndjson),
        ListenEndpoint(kind: .tcp(host: "127.0.0.1", port: 7701), framing: .http),
    ]

    /// The default pidfile: none in the foreground; in daemon mode `rpcd.pid` in the host's
    /// private runtime directory (`/run/rpcd/rpcd.pid` as root, else `$XDG_RUNTIME_DIR/rpcd/rpcd.pid`,
    /// else `/tmp/rpcd-$UID/rpcd.pid`).
    static func defaultPidfile(
        daemon: Bool,
        environment: [String: String],
        host: ConfigurationLoader.Host
    ) -> String? {
        guard daemon else {
            return nil
        }
        let directory = host.privateRuntimeDirectory(environment, host.effectiveUserID, host.userID)
        // `directory/rpcd.pid`, without doubling a trailing slash.
        return directory.hasSuffix("/") ? "\(directory)rpcd.pid" : "\(directory)/rpcd.pid"
    }
}
