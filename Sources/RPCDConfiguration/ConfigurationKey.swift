/// Every setting of DESIGN §3, in the table's order, named by its environment variable.
package enum ConfigurationKey: String, Sendable, Hashable, CaseIterable {
    /// The config file (`--config`).
    case config = "RPCD_CONFIG"
    /// Run as a classic double-forking daemon (`--daemon`).
    case daemon = "RPCD_DAEMON"
    /// Comma-separated listen endpoints.
    case listen = "RPCD_LISTEN"
    /// The admin control socket.
    case adminSocket = "RPCD_ADMIN_SOCKET"
    /// The group whose members may use the admin socket.
    case adminGroup = "RPCD_ADMIN_GROUP"
    /// Worker processes; 0 serves in the master.
    case workers = "RPCD_WORKERS"
    /// Event-loop threads per worker.
    case threads = "RPCD_THREADS"
    /// The log level.
    case logLevel = "RPCD_LOG_LEVEL"
    /// Where logs go.
    case logTarget = "RPCD_LOG_TARGET"
    /// Text or JSON log lines.
    case logFormat = "RPCD_LOG_FORMAT"
    /// The access log: off, on (to the log target) or file:PATH.
    case accessLog = "RPCD_ACCESS_LOG"
    /// The pidfile (`--pidfile`).
    case pidfile = "RPCD_PIDFILE"
    /// The largest request message or HTTP body.
    case maxRequestBytes = "RPCD_MAX_REQUEST_BYTES"
    /// The largest batch.
    case maxBatch = "RPCD_MAX_BATCH"
    /// The deepest JSON nesting accepted.
    case maxDepth = "RPCD_MAX_DEPTH"
    /// Open client connections per worker.
    case maxConnections = "RPCD_MAX_CONNECTIONS"
    /// How long an idle client connection stays open.
    case idleTimeout = "RPCD_IDLE_TIMEOUT"
    /// How long a call may run.
    case requestTimeout = "RPCD_REQUEST_TIMEOUT"
    /// The graceful drain limit.
    case shutdownTimeout = "RPCD_SHUTDOWN_TIMEOUT"
    /// How long a graceful stop stays in the draining state (`/readyz` 503) before the listeners close.
    case stopGrace = "RPCD_STOP_GRACE"
    /// How long a worker may stay silent.
    case workerTimeout = "RPCD_WORKER_TIMEOUT"
    /// Recycle a worker after this many requests; 0 = never.
    case maxRequests = "RPCD_MAX_REQUESTS"
    /// The bearer-token file for network listeners.
    case authTokenFile = "RPCD_AUTH_TOKEN_FILE"
    /// The users file (`NAME:SALT$HMAC[:PATTERNS]` lines) for network listeners.
    case authUsersFile = "RPCD_AUTH_USERS_FILE"
    /// Calls a second per credential (else per peer address) on network listeners; 0 = off.
    case rateLimit = "RPCD_RATE_LIMIT"
    /// Serve TCP and HTTP listeners reachable from other hosts without a credential.
    case allowUnauthenticated = "RPCD_ALLOW_UNAUTHENTICATED"
    /// The `Host` names HTTP listeners answer to.
    case httpAllowedHosts = "RPCD_HTTP_ALLOWED_HOSTS"
    /// The web origins allowed to call HTTP listeners from a browser.
    case httpAllowedOrigins = "RPCD_HTTP_ALLOWED_ORIGINS"
    /// The PEM certificate (and chain) of `tls://` and `https://` listeners.
    case tlsCertFile = "RPCD_TLS_CERT_FILE"
    /// The PEM private key of `RPCD_TLS_CERT_FILE`.
    case tlsKeyFile = "RPCD_TLS_KEY_FILE"
    /// PEM CA certificates for mutual TLS: clients must present a certificate they signed.
    case tlsClientCAFile = "RPCD_TLS_CLIENT_CA_FILE"
    /// Register the `test.*` methods.
    case testMethods = "RPCD_TEST_METHODS"
    /// The exec methods' directory (DESIGN §10.1); none by default.
    case methodsDir = "RPCD_METHODS_DIR"
    /// Comma-separated names of variables passed on to exec methods.
    case methodsPassEnv = "RPCD_METHODS_PASS_ENV"
    /// The most stdout an exec method may write.
    case methodsMaxOutput = "RPCD_METHODS_MAX_OUTPUT"
    /// Exec method calls running at once per worker.
    case methodsConcurrency = "RPCD_METHODS_CONCURRENCY"
    /// Exec method calls waiting per worker beyond those running.
    case methodsQueue = "RPCD_METHODS_QUEUE"
    /// The directory of backend `NAME.env` files (DESIGN §10.2); `/etc/rpcd/backends.d` if it exists.
    case backendsDir = "RPCD_BACKENDS_DIR"

    /// When a change to this key takes effect.
    ///
    /// `RPCD_CONFIG` counts as `restart`: the file is re-read on reload, but its path is fixed
    /// for the life of the process (flags and environment do not change).
    package var reload: ReloadClass {
        switch self {
        case .config, .daemon, .adminSocket, .adminGroup, .pidfile:
            return .restart
        case .logLevel, .logTarget, .logFormat, .shutdownTimeout, .stopGrace, .workerTimeout:
            return .live
        case .listen, .workers, .threads, .accessLog, .maxRequestBytes, .maxBatch, .maxDepth, .maxConnections,
            .idleTimeout, .requestTimeout, .maxRequests, .authTokenFile, .authUsersFile, .rateLimit,
            .allowUnauthenticated,
            .httpAllowedHosts, .httpAllowedOrigins, .tlsCertFile, .tlsKeyFile, .tlsClientCAFile,
            .testMethods, .methodsDir, .methodsPassEnv,
            .methodsMaxOutput, .methodsConcurrency, .methodsQueue, .backendsDir:
            return .rolling
        }
    }
}
