internal import NIOCore
internal import NIOHTTP1
internal import RPCDAccess

/// What an HTTP request head gets: the route (JSON-RPC POST, the `/healthz` and `/readyz` probes,
/// `/metrics`, CORS preflights), the Host and Origin checks, the media type and size policy, and
/// where a bearer token is needed.
///
/// The checks run in this order, the first failing one answering (DESIGN §11):
/// 1. `Host`: none or several → 400; not allowed → 421 (probes skip this: balancers send any Host);
/// 2. `Origin` / `Sec-Fetch-Site`: a foreign origin or a cross-site fetch → 403; `OPTIONS` is a
///    preflight, answered 204 for an allowed origin and 403 otherwise;
/// 3. method and route → the probe answer, `/metrics`, or 405 for anything but POST;
/// 4. the bearer token → 401;
/// 5. `Content-Type` → 415;
/// 6. `Content-Length` → 413.
struct HTTPRequestPolicy {
    /// The fate of one request, decided from its head.
    enum Decision: Equatable {
        /// A JSON-RPC POST: its body is collected and dispatched. `corsOrigin`: the allowed
        /// origin the answer names in `Access-Control-Allow-Origin`.
        case call(corsOrigin: String?)
        /// Answered in plain text once the request has ended (probes and `/metrics`).
        case answer(HTTPResponseStatus, String)
        /// Refused in plain text at once; the body is read and dropped. `allowPOST`: a 405.
        case refuse(HTTPResponseStatus, String, allowPOST: Bool)
        /// A CORS preflight from this allowed origin: 204 with the CORS headers.
        case preflight(origin: String)
        /// `Content-Length` over the limit: 413 before the body is read, then the connection closes.
        case tooLarge
        /// Without the right bearer token: the body is dropped, then 401 after a delay.
        case unauthorized
    }

    /// Largest request body, inclusive.
    var maxRequestBytes: Int
    /// The `/metrics` text (nil: none yet, 503); no `/metrics` route when this is nil.
    var metricsText: (@Sendable () -> String?)?
    /// The `Host` names answered, the connection's own address included.
    var allowedHosts = HostAllowlist.default
    /// The port the connection came in on, which a `Host` name without a port may name.
    var listenerPort: Int?
    /// The origins browsers may call from.
    var allowedOrigins = OriginPolicy.none

    /// Decides what `head` gets.
    /// - Parameters:
    ///   - workerDraining: Whether the worker is draining (`/readyz` answers 503 then).
    ///   - authorized: Whether the head carries the right bearer token; only asked where one is needed.
    func decide(
        _ head: HTTPRequestHead,
        workerDraining: () -> Bool,
        authorized: (HTTPRequestHead) -> Bool
    ) -> Decision {
        let headers = HTTPRequestHeaders(head.headers)
        let isGET = head.method == .GET || head.method == .HEAD
        let path = isGET ? head.uri.split(separator: "?", maxSplits: 1).first ?? "" : ""
        let isProbe = isGET && (path == "/healthz" || path == "/readyz")
        if !isProbe, let refusal = self.hostRefusal(headers) {
            return refusal
        }
        if head.method == .OPTIONS {
            guard case .allowed(let origin) = self.allowedOrigins.preflight(origin: headers.origin) else {
                return .refuse(.forbidden, Self.preflightRefusal, allowPOST: false)
            }
            return .preflight(origin: origin)
        }
        var corsOrigin: String?
        if headers.origin != nil || headers.fetchSite != nil {
            switch self.allowedOrigins.decide(origin: headers.origin, fetchSite: headers.fetchSite) {
            case .sameOrigin:
                break
            case .allowed(let origin):
                corsOrigin = origin
            case .forbidden(let reason):
                return .refuse(.forbidden, reason, allowPOST: false)
            }
        }
        if isGET {
            switch path {
            case "/healthz":
                return .answer(.ok, "ok\n")
            case "/readyz":
                return workerDraining() ? .answer(.serviceUnavailable, "draining\n") : .answer(.ok, "ready\n")
            case "/metrics" where self.metricsText != nil:
                guard authorized(head) else {
                    return .unauthorized
                }
                if let text = self.metricsText?() {
                    return .answer(.ok, text)
                }
                return .answer(.serviceUnavailable, "no metrics yet\n")
            default:
                break
            }
        }
        guard head.method == .POST else {
            return .refuse(.methodNotAllowed, "only POST is served here\n", allowPOST: true)
        }
        guard authorized(head) else {
            return .unauthorized
        }
        guard let contentType = headers.contentType, JSONMediaType.admits(contentType) else {
            return .refuse(.unsupportedMediaType, Self.mediaTypeRefusal, allowPOST: false)
        }
        if let length = headers.contentLength.flatMap(Int.init), !self.admitsBody(length) {
            return .tooLarge
        }
        return .call(corsOrigin: corsOrigin)
    }

    /// Whether a body of `bytes` bytes is within the limit.
    func admitsBody(_ bytes: Int) -> Bool {
        bytes <= self.maxRequestBytes
    }

    static let mediaTypeRefusal =
        "Content-Type must be application/json (or application/json-rpc, application/jsonrequest; "
        + "charset=utf-8 or none)\n"
    static let hostRefusal = "this Host is not served here (RPCD_HTTP_ALLOWED_HOSTS)\n"
    static let preflightRefusal = "OPTIONS is answered only as a CORS preflight from an allowed Origin\n"

    /// 400 without exactly one `Host`, 421 for one not allowed; nil when it is allowed.
    private func hostRefusal(_ headers: HTTPRequestHeaders) -> Decision? {
        guard let host = headers.host else {
            return .refuse(.badRequest, "a Host header is required\n", allowPOST: false)
        }
        guard headers.hostCount == 1 else {
            return .refuse(.badRequest, "more than one Host header\n", allowPOST: false)
        }
        guard self.allowedHosts.admits(host, listenerPort: self.listenerPort) else {
            return .refuse(.misdirectedRequest, Self.hostRefusal, allowPOST: false)
        }
        return nil
    }
}

extension HTTPRequestPolicy {
    /// The policy of a connection that came in on `localAddress` to a server with `limits`.
    ///
    /// The address the client connected to is a Host it may name. A unix socket is out of a
    /// browser's reach, and so of DNS rebinding: any Host will do there.
    init(limits: TransportLimits, localAddress: SocketAddress?) {
        self.maxRequestBytes = limits.maxRequestBytes
        self.metricsText = limits.metricsText
        self.allowedOrigins = limits.allowedOrigins
        self.listenerPort = localAddress?.port
        if case .unixDomainSocket = localAddress {
            self.allowedHosts = HostAllowlist(["*"])
        } else if let address = localAddress?.ipAddress {
            self.allowedHosts = limits.allowedHosts.adding(address: address)
        } else {
            self.allowedHosts = limits.allowedHosts
        }
    }
}
