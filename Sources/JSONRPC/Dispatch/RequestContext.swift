/// Per-call context supplied by the transport.
public struct RequestContext: Sendable {
    /// The transport the call arrived on, e.g. `"ndjson"`, `"http"` or `"admin"`.
    public var transport: String
    /// The peer's address, if known, e.g. `"127.0.0.1:51234"` or a unix socket path.
    public var peer: String?

    /// Creates a context.
    public init(transport: String, peer: String? = nil) {
        self.transport = transport
        self.peer = peer
    }
}
