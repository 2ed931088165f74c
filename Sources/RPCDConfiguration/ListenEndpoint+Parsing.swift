extension ListenEndpoint {
    /// The longest unix socket path: `sun_path` holds 108 bytes including the terminating NUL.
    package static let maximumUnixPathBytes = 107

    static let expectedForms =
        "expected tcp://HOST:PORT, unix:/PATH, http://HOST:PORT, tls://HOST:PORT or https://HOST:PORT"

    /// Parses one endpoint.
    /// - Parameter text: e.g. `tcp://127.0.0.1:7700`, `unix:/run/rpcd/rpc.sock?mode=0660`, `http://[::1]:0`,
    ///   `https://127.0.0.1:7443`.
    /// - Throws: `ListenEndpointError` whose message quotes the text and says what was expected.
    package static func parse(_ text: String) throws(ListenEndpointError) -> ListenEndpoint {
        func fail(_ problem: String, _ code: ListenEndpointError.Code = .invalidSyntax) -> ListenEndpointError {
            ListenEndpointError(code: code, message: "invalid endpoint '\(text)': \(problem)")
        }

        let (body, query) = Self.splitQuery(text)
        var options = try Self.parseOptions(query, fail: fail)

        let lowered = body.lowercased()
        if lowered.hasPrefix("unix:") {
            let path = String(body.dropFirst("unix:".count))
            guard path.hasPrefix("/") else {
                throw fail("a unix socket path must be absolute, like unix:/run/rpcd/rpc.sock")
            }
            guard path.utf8.count <= Self.maximumUnixPathBytes else {
                throw fail("a unix socket path is at most \(Self.maximumUnixPathBytes) bytes")
            }
            guard !path.utf8.contains(0) else {
                throw fail("a unix socket path cannot contain a NUL byte")
            }
            let framingOption = options.removeValue(forKey: "framing")
            // HTTP over a unix socket, as a proxy in front of rpcd would use it.
            let framing =
                framingOption?.lowercased() == "http" ? .http : try Self.streamFraming(framingOption, fail: fail)
            var mode: UInt16?
            if let modeText = options.removeValue(forKey: "mode") {
                guard (3...4).contains(modeText.count), modeText.allSatisfy({ ("0"..."7").contains($0) }),
                    let value = UInt16(modeText, radix: 8)
                else {
                    throw fail("mode must be octal permission bits like 0660", .invalidOption)
                }
                mode = value
            }
            try Self.rejectUnknownOptions(options, allowed: "mode and framing", fail: fail)
            return ListenEndpoint(kind: .unix(path: path), framing: framing, unixMode: mode)
        }

        let framing: Framing
        let authority: Substring
        let tls = lowered.hasPrefix("tls://") || lowered.hasPrefix("https://")
        if lowered.hasPrefix("tcp://") || lowered.hasPrefix("tls://") {
            authority = body.dropFirst("tcp://".count)
            framing = try Self.streamFraming(options.removeValue(forKey: "framing"), fail: fail)
            try Self.rejectUnknownOptions(options, allowed: "framing", fail: fail)
        } else if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            authority = body.dropFirst(tls ? "https://".count : "http://".count)
            try Self.rejectUnknownOptions(options, allowed: nil, fail: fail)
            framing = .http
        } else {
            throw fail(Self.expectedForms)
        }
        let (host, port) = try Self.parseAuthority(authority, fail: fail)
        return ListenEndpoint(kind: .tcp(host: host, port: port), framing: framing, tls: tls)
    }

    /// Parses a comma-separated list of endpoints, as in `RPCD_LISTEN`; blanks around entries are ignored.
    /// - Throws: `ListenEndpointError` for an empty list or entry, an invalid endpoint, or two
    ///   endpoints on the same address.
    package static func parseList(_ commaSeparated: String) throws(ListenEndpointError) -> [ListenEndpoint] {
        let entries = commaSeparated.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingBlanks() }
        if entries.allSatisfy(\.isEmpty) {
            throw ListenEndpointError(
                code: .empty,
                message: "no endpoint given: \(Self.expectedForms), separated by commas"
            )
        }
        var endpoints: [ListenEndpoint] = []
        var seen: [Kind: ListenEndpoint] = [:]
        for entry in entries {
            guard !entry.isEmpty else {
                throw ListenEndpointError(code: .empty, message: "empty entry in the list '\(commaSeparated)'")
            }
            let endpoint = try Self.parse(entry)
            if let address = endpoint.bindAddress {
                if let earlier = seen[address] {
                    throw ListenEndpointError(
                        code: .duplicate,
                        message: "endpoint '\(entry)' listens on the same address as '\(earlier)'"
                    )
                }
                seen[address] = endpoint
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    private static func splitQuery(_ text: String) -> (body: Substring, query: Substring?) {
        guard let mark = text.firstIndex(of: "?") else {
            return (text[...], nil)
        }
        return (text[..<mark], text[text.index(after: mark)...])
    }

    private static func parseOptions(
        _ query: Substring?,
        fail: (String, ListenEndpointError.Code) -> ListenEndpointError
    ) throws(ListenEndpointError) -> [String: String] {
        guard let query else {
            return [:]
        }
        var options: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw fail("expected options like ?name=value, got '\(pair)'", .invalidOption)
            }
            let name = parts[0].lowercased()
            guard options[name] == nil else {
                throw fail("option '\(name)' is given twice", .invalidOption)
            }
            options[name] = String(parts[1])
        }
        return options
    }

    private static func streamFraming(
        _ value: String?,
        fail: (String, ListenEndpointError.Code) -> ListenEndpointError
    ) throws(ListenEndpointError) -> Framing {
        switch value?.lowercased() {
        case nil, "ndjson":
            return .ndjson
        case "length":
            return .length
        case let other?:
            throw fail(
                "framing must be ndjson or length, not '\(other)' (use http://HOST:PORT for HTTP)",
                .invalidOption
            )
        }
    }

    private static func rejectUnknownOptions(
        _ options: [String: String],
        allowed: String?,
        fail: (String, ListenEndpointError.Code) -> ListenEndpointError
    ) throws(ListenEndpointError) {
        guard let name = options.keys.sorted().first else {
            return
        }
        if let allowed {
            throw fail("unknown option '\(name)' (allowed: \(allowed))", .invalidOption)
        }
        throw fail("unknown option '\(name)' (this kind of endpoint takes no options)", .invalidOption)
    }
}

extension Substring {
    fileprivate func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isBlank($0) }),
            let last = self.lastIndex(where: { !isBlank($0) })
        else {
            return ""
        }
        return String(self[first...last])
    }
}
