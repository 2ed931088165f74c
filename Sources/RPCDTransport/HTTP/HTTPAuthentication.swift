internal import JSONRPC
internal import NIOCore
internal import NIOHTTP1
internal import RPCDAccess

/// The credential check on an HTTP connection (`RPCD_AUTH_TOKEN_FILE`, `RPCD_AUTH_USERS_FILE`,
/// TCP only): POSTs and `/metrics` need `Authorization: Bearer TOKEN` or `Authorization: Basic`
/// with a user's name and password, unless the connection's client certificate authenticated it.
/// Each request is checked on its own; a credential in the URL counts for nothing.
struct HTTPAuthentication {
    /// How long a refusal waits before it is sent, which slows down guessing.
    static let failureDelay = TimeAmount(ConnectionAuthentication.failureDelay)

    /// The connection's access state, also its calls' admission (per-method permissions).
    let authentication: ConnectionAuthentication

    /// The check for a new connection on `channel`; nil when it needs no credential.
    init?(limits: TransportLimits, channel: any Channel) {
        guard let authentication = limits.authentication(for: channel) else {
            return nil
        }
        self.authentication = authentication
    }

    /// Whether `request` carries a valid credential (counted as an attempt either way); sets
    /// `context.credential` to the name it authenticated as.
    func admits(_ request: HTTPRequestHead, context: inout RequestContext) -> Bool {
        _ = self.authentication.credential(adopting: context.credential)
        defer { context.refreshCredential() }
        guard let value = request.headers.first(name: "authorization") else {
            return self.authentication.attemptWithoutCredential()
        }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            return self.authentication.attempt(user: "", password: "")
        }
        switch parts[0].lowercased() {
        case "bearer":
            return self.authentication.attempt(String(parts[1]))
        case "basic":
            guard let decoded = BasicCredentials(encoded: parts[1]) else {
                return self.authentication.attempt(user: "", password: "")
            }
            return self.authentication.attempt(user: decoded.user, password: decoded.password)
        default:
            return self.authentication.attempt(user: "", password: "")
        }
    }

    /// Why `request` was refused, for the log (never the credential itself).
    static func failureReason(_ request: HTTPRequestHead) -> String {
        guard let value = request.headers.first(name: "authorization") else { return "no credential" }
        return value.lowercased().hasPrefix("basic") ? "wrong user or password" : "wrong token"
    }
}
