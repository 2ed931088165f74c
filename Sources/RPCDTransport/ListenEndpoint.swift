/// One place rpcd listens, as written in `RPCD_LISTEN` (DESIGN §3).
///
/// Grammar:
/// - `tcp://HOST:PORT`, optionally `?framing=length` or `?framing=ndjson` (the default);
/// - `unix:/ABSOLUTE/PATH`, optionally `?mode=0660` (octal) and `framing=length|ndjson`, joined with `&`;
/// - `http://HOST:PORT`.
///
/// HOST is a DNS name, an IPv4 address or an IPv6 address in brackets (`[::1]`); PORT is 0...65535,
/// 0 binding an ephemeral port. Schemes and host names are case-insensitive and kept in lower case,
/// so `description` gives back one canonical text per endpoint.
package struct ListenEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Where the socket lives.
    package enum Kind: Sendable, Hashable {
        /// A TCP socket; `host` is bare (an IPv6 address without its brackets).
        case tcp(host: String, port: Int)
        /// A unix stream socket at an absolute path.
        case unix(path: String)
    }

    /// How messages are delimited on a connection.
    package enum Framing: String, Sendable, Hashable {
        /// One JSON text per line (`\r\n` tolerated).
        case ndjson
        /// A 4-byte big-endian length before each message.
        case length
        /// HTTP/1.1 POST requests.
        case http
    }

    /// Where the socket lives.
    package var kind: Kind
    /// How messages are delimited.
    package var framing: Framing
    /// Permission bits for a unix socket (`?mode=0660`); `nil` leaves the umask's choice.
    package var unixMode: UInt16?

    /// Creates an endpoint from its parts; `parse(_:)` is the usual way to get one.
    package init(kind: Kind, framing: Framing, unixMode: UInt16? = nil) {
        self.kind = kind
        self.framing = framing
        self.unixMode = unixMode
    }

    /// The listener role reported by `rpcd-admin status`: `ndjson`, `length` or `http`.
    package var role: String { self.framing.rawValue }

    /// The canonical text of the endpoint, which `parse(_:)` reads back as the same value.
    package var description: String {
        switch self.kind {
        case .tcp(let host, let port):
            let hostText = host.contains(":") ? "[\(host)]" : host
            switch self.framing {
            case .http:
                return "http://\(hostText):\(port)"
            case .ndjson:
                return "tcp://\(hostText):\(port)"
            case .length:
                return "tcp://\(hostText):\(port)?framing=length"
            }
        case .unix(let path):
            var options: [String] = []
            if let mode = self.unixMode {
                options.append("mode=\(Self.octal(mode))")
            }
            if self.framing != .ndjson {
                options.append("framing=\(self.framing.rawValue)")
            }
            return options.isEmpty ? "unix:\(path)" : "unix:\(path)?\(options.joined(separator: "&"))"
        }
    }

    /// The address this endpoint binds, for spotting duplicates: two endpoints on one address
    /// cannot both bind, whatever their framing. Port 0 is never a duplicate (each gets its own port).
    private var bindAddress: Kind? {
        if case .tcp(_, 0) = self.kind {
            return nil
        }
        return self.kind
    }

    private static func octal(_ mode: UInt16) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension ListenEndpoint {
    /// The longest unix socket path: `sun_path` holds 108 bytes including the terminating NUL.
    package static let maximumUnixPathBytes = 107

    private static let expectedForms = "expected tcp://HOST:PORT, unix:/PATH or http://HOST:PORT"

    /// Parses one endpoint.
    /// - Parameter text: e.g. `tcp://127.0.0.1:7700`, `unix:/run/rpcd/rpc.sock?mode=0660`, `http://[::1]:0`.
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
        if lowered.hasPrefix("tcp://") {
            authority = body.dropFirst("tcp://".count)
            framing = try Self.streamFraming(options.removeValue(forKey: "framing"), fail: fail)
            try Self.rejectUnknownOptions(options, allowed: "framing", fail: fail)
        } else if lowered.hasPrefix("http://") {
            authority = body.dropFirst("http://".count)
            try Self.rejectUnknownOptions(options, allowed: nil, fail: fail)
            framing = .http
        } else {
            throw fail(Self.expectedForms)
        }
        let (host, port) = try Self.parseAuthority(authority, fail: fail)
        return ListenEndpoint(kind: .tcp(host: host, port: port), framing: framing)
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

    private static func parseAuthority(
        _ authority: Substring,
        fail: (String, ListenEndpointError.Code) -> ListenEndpointError
    ) throws(ListenEndpointError) -> (host: String, port: Int) {
        let host: Substring
        let portText: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw fail("missing ']' after the IPv6 address", .invalidHost)
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw fail("expected :PORT after ']'", .invalidPort)
            }
            portText = rest.dropFirst()
            guard Self.isIPv6(host) else {
                throw fail("'\(host)' is not an IPv6 address", .invalidHost)
            }
        } else {
            guard let colon = authority.lastIndex(of: ":") else {
                throw fail("missing :PORT", .invalidPort)
            }
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
            if host.contains(":") {
                throw fail("an IPv6 address goes in brackets, like tcp://[::1]:7700", .invalidHost)
            }
            if host.contains("/") || portText.contains("/") {
                throw fail("an endpoint has no path: \(Self.expectedForms)", .invalidSyntax)
            }
            guard !host.isEmpty else {
                throw fail("missing host (use 0.0.0.0 or [::] for every address)", .invalidHost)
            }
            guard Self.isIPv4(host) || Self.isHostName(host) else {
                throw fail("'\(host)' is not a host name or an IPv4 address", .invalidHost)
            }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), port <= 65535
        else {
            throw fail("port must be a number from 0 to 65535, not '\(portText)'", .invalidPort)
        }
        return (host.lowercased(), port)
    }

    /// Dotted-quad IPv4 with each part 0...255 and no leading zeros (which some parsers read as octal).
    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            return false
        }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part), value <= 255
            else {
                return false
            }
            return part.count == 1 || part.first != "0"
        }
    }

    /// A DNS name: dot-separated labels of letters, digits and inner hyphens, not all-numeric
    /// (so a malformed IPv4 address is not taken for a name).
    private static func isHostName(_ text: Substring) -> Bool {
        guard text.utf8.count <= 253 else {
            return false
        }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let labelsValid = labels.allSatisfy { label in
            (1...63).contains(label.count)
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && label.first != "-" && label.last != "-"
        }
        let allNumeric = text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        return labelsValid && !allNumeric
    }

    /// An IPv6 address in text form (RFC 4291 §2.2): eight hex groups, one `::` allowed,
    /// optionally ending in an IPv4 address. Zone ids (`%eth0`) are not accepted.
    private static func isIPv6(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45 else {
            return false
        }
        func groupCount(_ part: Substring, allowIPv4Tail: Bool) -> Int? {
            if part.isEmpty {
                return 0
            }
            var groups = part.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            if allowIPv4Tail, let last = groups.last, last.contains(".") {
                guard Self.isIPv4(last) else {
                    return nil
                }
                groups.removeLast()
                count += 2
            }
            for group in groups {
                guard (1...4).contains(group.count), group.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                    return nil
                }
                count += 1
            }
            return count
        }
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        switch halves.count {
        case 1:
            return groupCount(halves[0], allowIPv4Tail: true) == 8
        case 2:
            guard let head = groupCount(halves[0], allowIPv4Tail: false),
                let tail = groupCount(halves[1], allowIPv4Tail: true)
            else {
                return false
            }
            return head + tail <= 7
        default:
            return false
        }
    }
}

/// Why an `RPCD_LISTEN` value or endpoint was refused.
///
/// Kept beside `ListenEndpoint` because it exists only for it.
package struct ListenEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The text matches none of the endpoint forms.
        package static let invalidSyntax = Code("invalidSyntax")
        /// The host is not a name, an IPv4 address or a bracketed IPv6 address.
        package static let invalidHost = Code("invalidHost")
        /// The port is missing or outside 0...65535.
        package static let invalidPort = Code("invalidPort")
        /// An unknown, repeated or invalid `?option=value`.
        package static let invalidOption = Code("invalidOption")
        /// The list, or one entry of it, is empty.
        package static let empty = Code("empty")
        /// Two endpoints would bind the same address.
        package static let duplicate = Code("duplicate")

        package var description: String { self.name }
    }

    /// The kind of problem.
    package var code: Code
    /// A message for the operator, quoting the offending text.
    package var message: String

    /// Creates an error.
    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { self.message }
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
