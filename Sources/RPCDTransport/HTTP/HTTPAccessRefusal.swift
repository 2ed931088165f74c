internal import JSONRPC
internal import Logging
internal import NIOHTTP1
internal import RPCDAccess

/// The 429s of an HTTP connection (DESIGN §11): a request from an address locked out after too
/// many failed authentications, and a request that arrives while its credential's (or address's)
/// `RPCD_RATE_LIMIT` bucket is empty, refused whole before any of its calls runs.
enum HTTPAccessRefusal {
    /// 429 for a request whose credential was refused because its address is locked out; logs
    /// the lockout once, when one of this connection's failures caused it.
    static func lockedOut(
        _ authentication: ConnectionAuthentication?,
        head: HTTPRequestHead,
        peer: String?,
        logger: Logger
    ) -> HTTPResponse? {
        guard let authentication else { return nil }
        if authentication.takeLockoutNotice() {
            logger.warning(
                "too many failed authentications: address locked out",
                metadata: [
                    "peer": "\(peer ?? "?")",
                    "failures": "\(FailedAuthenticationLockout.allowedFailures + 1) in a minute",
                ]
            )
        }
        guard let remaining = authentication.lockedOutFor else { return nil }
        let error = JSONRPCError(
            code: JSONRPCErrorCode.unauthorized,
            message: "Unauthorized",
            data: .string("too many failed authentications from this address")
        )
        return .tooManyRequests(
            retryAfterNanoseconds: remaining,
            body: Dispatcher.errorResponse(error),
            answering: head
        )
    }

    /// 429 when `context`'s rate-limit bucket holds no token for the request's first call.
    static func rateLimited(_ context: RequestContext, head: HTTPRequestHead) -> HTTPResponse? {
        guard let limited = context.admission as? RateLimitedAdmission, let retry = limited.retryAfter else {
            return nil
        }
        let error = RateLimitedAdmission.rateLimited(retryAfterNanoseconds: retry)
        return .tooManyRequests(retryAfterNanoseconds: retry, body: Dispatcher.errorResponse(error), answering: head)
    }
}
