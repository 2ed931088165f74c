package import Logging
package import RPCDLogging

/// The effective, validated configuration of rpcd: one typed property per key of DESIGN §3.
///
/// Get one from `ConfigurationLoader.load(flags:environment:currentDirectory:)`; every path in
/// it is absolute.
package struct DaemonConfiguration: Sendable, Equatable {
    /// `RPCD_CONFIG`: the config file that was read, or `nil` when there is none.
    package var configFile: String?
    /// `RPCD_DAEMON`: run as a classic double-forking daemon.
    package var daemon: Bool
    /// `RPCD_LISTEN`: the endpoints to serve, at least one, no two on the same address.
    package var listen: [ListenEndpoint]
    /// `RPCD_ADMIN_SOCKET`: the admin control socket path.
    package var adminSocket: String
    /// `RPCD_ADMIN_GROUP`: a group (name or numeric id) allowed on the admin socket, or `nil`.
    package var adminGroup: String?
    /// `RPCD_WORKERS`: worker processes; 0 serves in the master.
    package var workers: Int
    /// `RPCD_THREADS`: event-loop threads per worker.
    package var threads: Int
    /// `RPCD_LOG_LEVEL`: the initial log level.
    package var logLevel: Logger.Level
    /// `RPCD_LOG_TARGET`: where logs go.
    package var logTarget: LogTarget
    /// `RPCD_LOG_FORMAT`: text or JSON lines (stderr and file targets).
    package var logFormat: LogFormat
    /// `RPCD_ACCESS_LOG`: one line per call, nowhere (`off`), to the log target or to a file.
    package var accessLog: AccessLogSetting = .off
    /// `RPCD_PIDFILE`: the pidfile, or `nil` for none.
    package var pidfile: String?
    /// `RPCD_MAX_REQUEST_BYTES`: the largest request message or HTTP body, inclusive.
    package var maxRequestBytes: Int
    /// `RPCD_MAX_BATCH`: the largest batch.
    package var maxBatch: Int
    /// `RPCD_MAX_DEPTH`: the deepest JSON nesting accepted.
    package var maxDepth: Int
    /// `RPCD_MAX_CONNECTIONS`: open client connections per worker.
    package var maxConnections: Int
    /// `RPCD_IDLE_TIMEOUT`: close a client connection idle this long.
    package var idleTimeout: Duration
    /// `RPCD_REQUEST_TIMEOUT`: a call running longer gets -32002 and is cancelled.
    package var requestTimeout: Duration
    /// `RPCD_SHUTDOWN_TIMEOUT`: the graceful drain limit, then SIGKILL.
    package var shutdownTimeout: Duration
    /// `RPCD_STOP_GRACE`: on a graceful stop, how long to drain (`/readyz` 503, still serving)
    /// before the listeners close.
    package var stopGrace: Duration = .zero
    /// `RPCD_WORKER_TIMEOUT`: a worker silent this long is killed and replaced.
    package var workerTimeout: Duration
    /// `RPCD_MAX_REQUESTS`: recycle a worker after this many requests; 0 = never.
    package var maxRequests: Int
    /// `RPCD_AUTH_TOKEN_FILE`: the bearer-token file for network listeners, or `nil` for no auth.
    package var authTokenFile: String?
    /// `RPCD_AUTH_USERS_FILE`: the users file for network listeners (names, HMAC-hashed secrets,
    /// method patterns), or `nil` for none.
    package var authUsersFile: String? = nil
    /// `RPCD_RATE_LIMIT`: calls a second per credential, else per peer address, per worker; 0 = off.
    package var rateLimit = 0
    /// `RPCD_ALLOW_UNAUTHENTICATED`: serve listeners reachable from other hosts without a credential.
    package var allowUnauthenticated = false
    /// `RPCD_HTTP_ALLOWED_HOSTS`: the `Host` names HTTP listeners answer to (`NAME[:PORT]`, `*`),
    /// besides each listener's own address.
    package var httpAllowedHosts = ["localhost", "127.0.0.1", "[::1]"]
    /// `RPCD_HTTP_ALLOWED_ORIGINS`: the origins (`SCHEME://HOST[:PORT]`, lower case) browsers may call from.
    package var httpAllowedOrigins: [String] = []
    /// `RPCD_TLS_*`: the certificate, key and client CA files of TLS listeners.
    package var tls = TLSSettings()
    /// `RPCD_TEST_METHODS`: register the `test.*` methods.
    package var testMethods: Bool
    /// `RPCD_METHODS_*`: the exec methods (DESIGN §10.1).
    package var methods = ExecMethodSettings()
    /// `RPCD_BACKENDS_DIR`: where backend `NAME.env` files are read, or nil for none.
    package var backendsDirectory: String?
    /// The backend pools (DESIGN §10.2), sorted by name.
    package var backends: [BackendSettings] = []
}
