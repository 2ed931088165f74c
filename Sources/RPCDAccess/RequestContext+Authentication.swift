package import JSONRPC

extension RequestContext {
    /// The connection's authentication, when that is its admission hook; setting it makes it the hook.
    package var authentication: ConnectionAuthentication? {
        get { self.admission as? ConnectionAuthentication }
        set { self.admission = newValue }
    }

    /// Sets ``credential`` to the connection's accepted credential before a message is dispatched
    /// (so that exec methods and the access log see it); a credential the transport set itself
    /// (a client certificate's CN) is taken as authenticated.
    package mutating func refreshCredential() {
        guard let authentication = self.authentication else { return }
        self.credential = authentication.credential(adopting: self.credential)
    }
}
