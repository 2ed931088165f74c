package import JSONRPC

/// A connection's calls under `RPCD_RATE_LIMIT` (DESIGN §11): each call (each element of a
/// batch) takes a token from the bucket of the connection's credential, or of its peer address
/// when it has none; over the limit it gets -32004 with `data.reason: "rate limited"` and
/// `data.retry_after_ms`. The connection's authentication, if any, is asked first.
package final class RateLimitedAdmission: CallAdmission {
    /// The connection's authentication, asked before the rate limit.
    package let authentication: ConnectionAuthentication?
    private let guardian: AccessGuard
    private let address: String

    /// Limits the calls of a connection from `address` (its IP address, without the port).
    package init(authentication: ConnectionAuthentication?, guard guardian: AccessGuard, address: String) {
        self.authentication = authentication
        self.guardian = guardian
        self.address = address
    }

    /// The bucket the connection's calls count against.
    package var key: String {
        self.authentication?.credential.map { "credential:\($0)" } ?? "address:\(self.address)"
    }

    /// How long until the connection may call again (nanoseconds), without taking a token; nil
    /// when it may now. An HTTP request arriving while this is set is refused whole (429).
    package var retryAfter: UInt64? { self.guardian.retryAfter(self.key) }

    package func refusal(of method: String) -> JSONRPCError? {
        if let refusal = self.authentication?.refusal(of: method) {
            return refusal
        }
        guard case .limited(let retry) = self.guardian.takeCall(self.key) else { return nil }
        return Self.rateLimited(retryAfterNanoseconds: retry)
    }

    /// -32004 `rate limited`, with the wait in whole milliseconds (rounded up).
    package static func rateLimited(retryAfterNanoseconds: UInt64) -> JSONRPCError {
        let milliseconds = (retryAfterNanoseconds + 999_999) / 1_000_000
        return JSONRPCError(
            code: JSONRPCErrorCode.serverBusy,
            message: "Server busy",
            data: .object(
                JSONObject([("reason", .string("rate limited")), ("retry_after_ms", .int(Int(milliseconds)))])
            )
        )
    }
}
