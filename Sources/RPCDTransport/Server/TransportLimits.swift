internal import JSONRPC
package import NIOCore
package import RPCDAccess

/// The limits a transport enforces on every connection.
package struct TransportLimits: Sendable {
    /// Largest request message (NDJSON line, length-prefixed frame or HTTP body), inclusive.
    package var maxRequestBytes: Int
    /// Open client connections per process; at the limit the listeners stop accepting.
    package var maxConnections: Int
    /// A connection with no traffic and nothing in flight for this long is closed.
    package var idleTimeout: TimeAmount
    /// Async calls one stream connection may have running before reading from it pauses.
    package var maxInFlightPerConnection: Int
    /// The credentials TCP connections must present (`RPCD_AUTH_TOKEN_FILE`,
    /// `RPCD_AUTH_USERS_FILE`) and what each may call: HTTP in an `Authorization` header,
    /// stream connections through `rpc.authenticate`. Unix sockets, guarded by file
    /// permissions, need none. `nil`: no authentication.
    package var access: AccessPolicy?
    /// The text `GET /metrics` answers on HTTP listeners (Prometheus format), nil while there
    /// is none yet (503). Not a limit, but like the token it is per-server HTTP policy.
    package var metricsText: (@Sendable () -> String?)?
    /// The `Host` names HTTP listeners answer to (`RPCD_HTTP_ALLOWED_HOSTS`); each connection
    /// adds the address it came in on.
    package var allowedHosts: HostAllowlist
    /// The web origins allowed to call HTTP listeners (`RPCD_HTTP_ALLOWED_ORIGINS`).
    package var allowedOrigins: OriginPolicy
    /// The certificate `tls://` and `https://` listeners serve (`RPCD_TLS_*`), nil without TLS.
    package var tls: TLSServerContext?

    /// The failed-authentication lockout and the `RPCD_RATE_LIMIT` buckets, shared by the
    /// stack's connections (counted per worker).
    package var accessGuard: AccessGuard

    package init(
        maxRequestBytes: Int = 5 * 1024 * 1024,
        maxConnections: Int = 4096,
        idleTimeout: TimeAmount = .seconds(300),
        maxInFlightPerConnection: Int = 1024,
        access: AccessPolicy? = nil,
        metricsText: (@Sendable () -> String?)? = nil,
        allowedHosts: HostAllowlist = .default,
        allowedOrigins: OriginPolicy = .none,
        tls: TLSServerContext? = nil,
        accessGuard: AccessGuard = AccessGuard(rateLimit: 0)
    ) {
        self.maxRequestBytes = maxRequestBytes
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.access = access
        self.metricsText = metricsText
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.tls = tls
        self.accessGuard = accessGuard
    }

    /// The authentication state for a new connection on `channel`, or nil when it needs none.
    func authentication(for channel: any Channel) -> ConnectionAuthentication? {
        guard let access = self.access else {
            return nil
        }
        if case .unixDomainSocket = channel.localAddress {
            return nil
        }
        return ConnectionAuthentication(policy: access, lockout: (self.accessGuard, Self.address(of: channel)))
    }

    /// Puts `context`'s calls under the rate limit, if there is one, after its authentication.
    /// Unix sockets, like their credentials, are left to file permissions.
    func limitRate(_ context: inout RequestContext, channel: any Channel) {
        if case .unixDomainSocket = channel.localAddress { return }
        context.limitRate(by: self.accessGuard, address: Self.address(of: channel))
    }

    /// The peer's IP address (without the port), what lockouts and rate limits count by.
    static func address(of channel: any Channel) -> String {
        channel.remoteAddress?.ipAddress ?? "?"
    }
}
