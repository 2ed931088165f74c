extension ListenEndpoint {
    /// Splits `HOST:PORT` (`[V6]:PORT` for IPv6) and checks both; the host is returned in lower case.
    static func parseAuthority(
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
