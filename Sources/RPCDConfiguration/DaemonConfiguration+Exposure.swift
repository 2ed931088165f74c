extension DaemonConfiguration {
    /// Whether a credential is configured that network clients must present. Each credential
    /// source (`RPCD_AUTH_TOKEN_FILE`, `RPCD_AUTH_USERS_FILE`; client certificates as they come)
    /// is one term.
    package var hasCredential: Bool {
        self.authTokenFile != nil || self.authUsersFile != nil
    }

    /// Why serving on `endpoints` is refused: the first one reachable from other hosts while no
    /// credential is configured and `RPCD_ALLOW_UNAUTHENTICATED` is off (DESIGN §11); nil when
    /// none is. Checked for `RPCD_LISTEN` when the configuration is read, and for socket-activated
    /// listeners when they are adopted.
    package func unauthenticatedExposure(of endpoints: [ListenEndpoint]) -> String? {
        guard !self.hasCredential, !self.allowUnauthenticated,
            let endpoint = endpoints.first(where: \.isReachableFromOtherHosts)
        else {
            return nil
        }
        return "\(endpoint) is reachable from other hosts but no credential is configured "
            + "(RPCD_AUTH_TOKEN_FILE or RPCD_AUTH_USERS_FILE); set one, listen on loopback, or set RPCD_ALLOW_UNAUTHENTICATED=1 "
            + "to serve it without authentication"
    }
}
