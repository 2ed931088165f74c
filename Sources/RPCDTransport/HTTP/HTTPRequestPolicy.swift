internal import NIOHTTP1

/// What an HTTP request head gets: the route (JSON-RPC POST, the `/healthz` and `/readyz` probes,
/// `/metrics`), the media type and size policy, and where a bearer token is needed.
struct HTTPRequestPolicy {
    /// The fate of one request, decided from its head.
    enum Decision: Equatable {
        /// A JSON-RPC POST: its body is collected and dispatched.
        case call
        /// Answered in plain text once the request has ended (probes and `/metrics`).
        case answer(HTTPResponseStatus, String)
        /// Refused in plain text at once; the body is read and dropped. `allowPOST`: a 405.
        case refuse(HTTPResponseStatus, String, allowPOST: Bool)
        /// `Content-Length` over the limit: 413 before the body is read, then the connection closes.
        case tooLarge
        /// Without the right bearer token: the body is dropped, then 401 after a delay.
        case unauthorized
    }

    /// Largest request body, inclusive.
    var maxRequestBytes: Int
    /// The `/metrics` text (nil: none yet, 503); no `/metrics` route when this is nil.
    var metricsText: (@Sendable () -> String?)?

    /// Decides what `head` gets.
    /// - Parameters:
    ///   - workerDraining: Whether the worker is draining (`/readyz` answers 503 then).
    ///   - authorized: Whether the head carries the right bearer token; only asked where one is needed.
    func decide(
        _ head: HTTPRequestHead,
        workerDraining: () -> Bool,
        authorized: (HTTPRequestHead) -> Bool
    ) -> Decision {
        if head.method == .GET || head.method == .HEAD {
            switch head.uri.split(separator: "?", maxSplits: 1).first ?? "" {
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
        if let contentType = head.headers.first(name: "content-type"), !Self.isJSON(contentType) {
            return .refuse(.unsupportedMediaType, "Content-Type must be application/json\n", allowPOST: false)
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), !self.admitsBody(length) {
            return .tooLarge
        }
        return .call
    }

    /// Whether a body of `bytes` bytes is within the limit.
    func admitsBody(_ bytes: Int) -> Bool {
        bytes <= self.maxRequestBytes
    }

    /// `application/json` (with or without parameters such as `charset`), its JSON-RPC aliases,
    /// and curl's default for `-d`, `application/x-www-form-urlencoded`, so that
    /// `curl URL -d '{...}'` works as the quick start shows.
    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" {
            return true
        }
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        while let first = mediaType.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            mediaType = mediaType.dropFirst()
        }
        while let last = mediaType.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            mediaType = mediaType.dropLast()
        }
        let accepted = [
            "application/json", "application/json-rpc", "application/jsonrequest", "application/x-www-form-urlencoded",
        ]
        return accepted.contains { candidate in
            candidate.utf8.elementsEqual(mediaType.lazy.map(Self.lowercased))
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
