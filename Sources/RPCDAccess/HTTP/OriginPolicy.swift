/// Which web origins may call an HTTP listener from a browser (`RPCD_HTTP_ALLOWED_ORIGINS`,
/// DESIGN §11), and what a CORS preflight gets.
///
/// A request that a page on another origin makes carries `Origin` (and, in current browsers,
/// `Sec-Fetch-Site`); one without either comes from a non-browser client or the same origin and
/// passes. `null` (sandboxed frames, files) never matches.
package struct OriginPolicy: Sendable, Equatable {
    /// What a request's `Origin` and `Sec-Fetch-Site` headers get.
    package enum Decision: Equatable, Sendable {
        /// No cross-origin request: served as usual.
        case sameOrigin
        /// From an allowed origin: served, the answer carrying `Access-Control-Allow-Origin: ORIGIN`.
        case allowed(String)
        /// Refused with 403; the text says why.
        case forbidden(String)
    }

    /// No origin allowed (the default).
    package static let none = OriginPolicy([])

    /// The allowed origins in lower case (`https://app.example`, `http://localhost:8080`).
    private var origins: [[UInt8]]

    /// The policy allowing `origins` (`SCHEME://HOST[:PORT]`, in any case); `null` is left out.
    package init(_ origins: [String]) {
        self.origins = origins.map { $0.utf8.map(ASCIIBytes.lowercased) }.filter { $0 != Array("null".utf8) }
    }

    /// Decides from a request's `Origin` and `Sec-Fetch-Site` values (nil when absent).
    package func decide(origin: String?, fetchSite: String?) -> Decision {
        if let origin {
            guard self.allows(origin) else {
                return .forbidden("this Origin is not allowed (RPCD_HTTP_ALLOWED_ORIGINS)\n")
            }
            return .allowed(origin)
        }
        if let fetchSite {
            let site = ASCIIBytes.trimmed(Substring(fetchSite).utf8)
            if ASCIIBytes.equalsIgnoringCase(site, "cross-site".utf8)
                || ASCIIBytes.equalsIgnoringCase(site, "same-site".utf8)
            {
                return .forbidden("a cross-site request (Sec-Fetch-Site) without an allowed Origin is refused\n")
            }
        }
        return .sameOrigin
    }

    /// What an `OPTIONS` request gets: a preflight from an allowed origin is answered (204 with
    /// that origin echoed, never `*`), any other `OPTIONS` is refused.
    package func preflight(origin: String?) -> Decision {
        guard let origin else {
            return .forbidden("OPTIONS is answered only as a CORS preflight from an allowed Origin\n")
        }
        return self.decide(origin: origin, fetchSite: nil)
    }

    private func allows(_ origin: String) -> Bool {
        let text = ASCIIBytes.trimmed(Substring(origin).utf8)
        return self.origins.contains { ASCIIBytes.equalsIgnoringCase(text, $0) }
    }
}
