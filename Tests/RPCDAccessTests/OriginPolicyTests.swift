import RPCDAccess
import Testing

@Suite struct OriginPolicyTests {
    static let policy = OriginPolicy(["https://App.example", "http://localhost:8080", "null"])
    static let foreign = OriginPolicy.Decision.forbidden("this Origin is not allowed (RPCD_HTTP_ALLOWED_ORIGINS)\n")
    static let crossSite = OriginPolicy.Decision.forbidden(
        "a cross-site request (Sec-Fetch-Site) without an allowed Origin is refused\n"
    )

    @Test(
        arguments: [
            (nil, nil, OriginPolicy.Decision.sameOrigin),
            (nil, "same-origin", .sameOrigin),
            (nil, "none", .sameOrigin),
            (nil, "cross-site", crossSite),
            (nil, "Same-Site", crossSite),
            ("https://app.example", "cross-site", .allowed("https://app.example")),
            ("HTTPS://APP.EXAMPLE", nil, .allowed("HTTPS://APP.EXAMPLE")),
            ("http://localhost:8080", nil, .allowed("http://localhost:8080")),
            ("http://localhost:8081", nil, foreign),
            ("https://app.example.evil", nil, foreign),
            ("http://app.example", nil, foreign),
            ("null", nil, foreign),
            ("null", "cross-site", foreign),
        ] as [(String?, String?, OriginPolicy.Decision)]
    )
    func decision(origin: String?, fetchSite: String?, expected: OriginPolicy.Decision) {
        #expect(Self.policy.decide(origin: origin, fetchSite: fetchSite) == expected)
    }

    @Test func noOriginIsAllowedByDefault() {
        #expect(OriginPolicy.none.decide(origin: "http://localhost:8080", fetchSite: nil) == Self.foreign)
        #expect(OriginPolicy.none.decide(origin: nil, fetchSite: nil) == .sameOrigin)
    }

    @Test func preflightNeedsAnAllowedOrigin() {
        #expect(Self.policy.preflight(origin: "https://app.example") == .allowed("https://app.example"))
        #expect(Self.policy.preflight(origin: "https://evil.example") == Self.foreign)
        #expect(Self.policy.preflight(origin: "null") == Self.foreign)
        guard case .forbidden = Self.policy.preflight(origin: nil) else {
            Issue.record("an OPTIONS without Origin is no preflight")
            return
        }
    }
}
