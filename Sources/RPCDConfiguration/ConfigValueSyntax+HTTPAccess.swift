extension ConfigValueSyntax {
    /// `NAME[:PORT][,...]` for `RPCD_HTTP_ALLOWED_HOSTS`: host names, IPv4 addresses, IPv6
    /// addresses in brackets, each with an optional port, or `*` for any; kept in lower case.
    static func hostNames(_ text: String) throws(ValueProblem) -> [String] {
        let names = self.commaSeparated(text)
        guard !names.isEmpty else {
            throw ValueProblem("expected NAME[:PORT][,...] or *")
        }
        for name in names where name != "*" {
            let hasPort = name.hasPrefix("[") ? name.contains("]:") : name.contains(":")
            do throws(ListenEndpointError) {
                // The listen grammar's HOST:PORT check, with a stand-in port where none is written.
                _ = try ListenEndpoint.parseAuthority(Substring(hasPort ? name : "\(name):0")) { problem, code in
                    ListenEndpointError(code: code, message: problem)
                }
            } catch {
                throw ValueProblem("'\(name)': \(error.message) (expected NAME[:PORT][,...] or *)")
            }
        }
        return names.map { $0.lowercased() }
    }

    /// `SCHEME://HOST[:PORT][,...]` for `RPCD_HTTP_ALLOWED_ORIGINS`, as browsers send `Origin`
    /// (no path); kept in lower case. `null` is refused: any sandboxed page can send it.
    static func origins(_ text: String) throws(ValueProblem) -> [String] {
        let origins = self.commaSeparated(text)
        for origin in origins {
            guard origin.lowercased() != "null" else {
                throw ValueProblem("'null' cannot be allowed: sandboxed pages and local files all send it")
            }
            let expected = "'\(origin)' is not an origin (expected http://HOST[:PORT] or https://HOST[:PORT])"
            let parts = origin.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, ["http", "https"].contains(parts[0].lowercased()), parts[1] != "*",
                !parts[1].contains("/")
            else {
                throw ValueProblem(expected)
            }
            do throws(ValueProblem) {
                _ = try Self.hostNames(String(parts[1]))
            } catch {
                throw ValueProblem(expected)
            }
        }
        return origins.map { $0.lowercased() }
    }
}
