/// Per-call context supplied by the transport.
public struct RequestContext: Sendable {
    /// The transport the call arrived on, e.g. `"ndjson"`, `"http"` or `"admin"`.
    public var transport: String
    /// The peer's address, if known, e.g. `"127.0.0.1:51234"` or a unix socket path.
    public var peer: String?
    /// The peer process's credentials, on unix sockets (`SO_PEERCRED`); nil elsewhere.
    public var peerCredentials: PeerCredentials?
    /// Asked before each call runs, when the connection's calls are subject to a policy (e.g. authentication).
    public var admission: (any CallAdmission)?
    /// The call's id token as sent (`7`, `"a"`), set for async handlers; nil for a notification.
    public var requestID: String?
    /// The name the caller authenticated as: `token` for the bearer token, a user's name, or a
    /// verified client certificate's subject CN; nil when the connection presented none.
    public var credential: String?

    /// Creates a context.
    public init(transport: String, peer: String? = nil, peerCredentials: PeerCredentials? = nil) {
        self.transport = transport
        self.peer = peer
        self.peerCredentials = peerCredentials
    }
}

/// Who is on the other end of a unix socket, as the kernel recorded at connect time.
public struct PeerCredentials: Sendable, Hashable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's user id.
    public var uid: UInt32
    /// The peer's primary group id.
    public var gid: UInt32

    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}
