extension DaemonConfiguration {
    /// Whether a credential is configured that every network client must present: the token
    /// (`RPCD_AUTH_TOKEN_FILE`) or the users (`RPCD_AUTH_USERS_FILE`).
    package var hasCredential: Bool {
        self.authTokenFile != nil || self.authUsersFile != nil
    }

    /// Whether clients of `endpoint` must present a credential: one of ``hasCredential``'s, or,
    /// on a TLS endpoint with `RPCD_TLS_CLIENT_CA_FILE`, a client certificate.
    package func requiresCredential(on endpoint: ListenEndpoint) -> Bool {
        self.hasCredential || (endpoint.tls && self.tls.clientCAFile != nil)
    }

    /// Why serving on `endpoints` is refused: the first one reachable from other hosts while no
    /// credential is required there and `RPCD_ALLOW_UNAUTHENTICATED` is off (DESIGN §11); nil when
    /// none is. Checked for `RPCD_LISTEN` when the configuration is read, and for socket-activated
    /// listeners when they are adopted.
    package func unauthenticatedExposure(of endpoints: [ListenEndpoint]) -> String? {
        guard !self.allowUnauthenticated,
            let endpoint = endpoints.first(where: { $0.isReachableFromOtherHosts && !self.requiresCredential(on: $0) })
        else {
            return nil
        }
        return "\(endpoint) is reachable from other hosts but no credential is configured "
            + "(RPCD_AUTH_TOKEN_FILE, RPCD_AUTH_USERS_FILE, or RPCD_TLS_CLIENT_CA_FILE on a TLS endpoint); "
            + "set one, listen on loopback, or set RPCD_ALLOW_UNAUTHENTICATED=1 to serve it without authentication"
    }
}
