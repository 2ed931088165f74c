package import JSONRPC

extension RequestContext {
    /// The connection's authentication, when that is its admission hook (alone or behind the rate
    /// limit); setting it makes it the hook.
    package var authentication: ConnectionAuthentication? {
        get {
            (self.admission as? ConnectionAuthentication) ?? (self.admission as? RateLimitedAdmission)?.authentication
        }
        set { self.admission = newValue }
    }

    /// Puts the connection's calls under `guardian`'s rate limit, if it has one, with its
    /// authentication (set first) asked before it; `address` is the peer's IP address.
    package mutating func limitRate(by guardian: AccessGuard, address: String) {
        guard guardian.limitsRate else { return }
        self.admission = RateLimitedAdmission(authentication: self.authentication, guard: guardian, address: address)
    }

    /// Sets ``credential`` to the connection's accepted credential before a message is dispatched
    /// (so that exec methods and the access log see it); a credential the transport set itself
    /// (a client certificate's CN) is taken as authenticated.
    package mutating func refreshCredential() {
        guard let authentication = self.authentication else { return }
        self.credential = authentication.credential(adopting: self.credential)
    }
}
