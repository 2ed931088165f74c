internal import JSONRPC
internal import NIOCore
internal import NIOHTTP1
internal import RPCDAccess

/// The bearer-token check on an HTTP connection (`RPCD_AUTH_TOKEN_FILE`, TCP only): POSTs and
/// `/metrics` need `Authorization: Bearer TOKEN`.
struct HTTPBearerAuthentication {
    /// How long a refusal waits before it is sent, which slows down guessing.
    static let failureDelay = TimeAmount(ConnectionAuthentication.failureDelay)

    private let authentication: ConnectionAuthentication

    /// The check for a new connection on `channel`; nil when it needs no token.
    init?(limits: TransportLimits, channel: any Channel) {
        guard let authentication = limits.authentication(for: channel) else {
            return nil
        }
        self.authentication = authentication
    }

    /// Whether `request` carries `Authorization: Bearer TOKEN` with the right token (compared in
    /// constant time, and counted as an attempt).
    func admits(_ request: HTTPRequestHead) -> Bool {
        guard let value = request.headers.first(name: "authorization") else {
            return false
        }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return false
        }
        return self.authentication.attempt(String(parts[1]))
    }

    /// Why `request` was refused, for the log.
    static func failureReason(_ request: HTTPRequestHead) -> String {
        request.headers.contains(name: "authorization") ? "wrong token" : "no bearer token"
    }
}
