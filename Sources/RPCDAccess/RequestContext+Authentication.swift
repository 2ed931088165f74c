package import JSONRPC

extension RequestContext {
    /// The connection's token authentication, when that is its admission hook; setting it makes it the hook.
    package var authentication: ConnectionAuthentication? {
        get { self.admission as? ConnectionAuthentication }
        set { self.admission = newValue }
    }
}
