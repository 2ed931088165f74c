/// The `Host` names an HTTP listener answers to (`RPCD_HTTP_ALLOWED_HOSTS`, DESIGN §11).
///
/// It guards against DNS rebinding: a page under a foreign name whose DNS entry is switched to
/// a loopback address reaches the listener with its own name in `Host`. A name written without a
/// port matches a `Host` with no port or with the listener's own port; `NAME:PORT` matches that
/// port only (a `Host` without a port counts as port 80 then); `*` matches any `Host`.
package struct HostAllowlist: Sendable, Equatable {
    private struct Entry: Sendable, Equatable {
        /// In lower case; an IPv6 address in brackets.
        var name: [UInt8]
        var port: Int?
    }

    /// The names allowed when `RPCD_HTTP_ALLOWED_HOSTS` is not set; each listener adds its own address.
    package static let defaultNames = ["localhost", "127.0.0.1", "[::1]"]

    /// The default list, before a listener adds its own address.
    package static let `default` = HostAllowlist(Self.defaultNames)

    private var entries: [Entry]
    private var allowsAny: Bool

    /// The list of `names`: each `NAME`, `NAME:PORT`, `[V6]`, `[V6]:PORT` or `*` (any), in any case.
    /// Names that are none of these (the configuration has refused them already) are left out.
    package init(_ names: [String]) {
        self.allowsAny = names.contains("*")
        self.entries = names.compactMap { name in
            Self.split(Substring(name).utf8).map { Entry(name: $0.name.map(ASCIIBytes.lowercased), port: $0.port) }
        }
    }

    /// This list and the address a connection came in on (`127.0.0.1`, `::1`; the port is the
    /// listener's), which a client that connects by address names in `Host`.
    package func adding(address: String) -> HostAllowlist {
        var list = self
        let name = address.contains(":") ? "[\(address)]" : address
        list.entries.append(Entry(name: name.utf8.map(ASCIIBytes.lowercased), port: nil))
        return list
    }

    /// Whether `host`, a `Host` header's value, names an allowed host.
    /// - Parameter listenerPort: the port the connection came in on.
    package func admits(_ host: String, listenerPort: Int?) -> Bool {
        guard let (name, port) = Self.split(ASCIIBytes.trimmed(Substring(host).utf8)) else {
            return false
        }
        if self.allowsAny {
            return true
        }
        return self.entries.contains { entry in
            guard ASCIIBytes.equalsIgnoringCase(name, entry.name) else {
                return false
            }
            if let required = entry.port {
                return (port ?? 80) == required
            }
            return port == nil || port == listenerPort
        }
    }

    /// `NAME[:PORT]` or `[V6][:PORT]` split into the name (brackets kept) and the port; nil when
    /// it is neither (an empty name, a bad port, an IPv6 address without brackets).
    private static func split(_ text: Substring.UTF8View) -> (name: Substring.UTF8View, port: Int?)? {
        let colon = UInt8(ascii: ":")
        let nameEnd: Substring.UTF8View.Index
        if text.first == UInt8(ascii: "[") {
            guard let close = text.firstIndex(of: UInt8(ascii: "]")) else {
                return nil
            }
            nameEnd = text.index(after: close)
        } else {
            nameEnd = text.firstIndex(of: colon) ?? text.endIndex
        }
        let name = text[..<nameEnd]
        let rest = text[nameEnd...]
        guard !name.isEmpty else {
            return nil
        }
        guard let first = rest.first else {
            return (name, nil)
        }
        let digits = rest.dropFirst()
        guard first == colon, (1...5).contains(digits.count) else {
            return nil
        }
        var port = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else {
                return nil
            }
            port = port * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return port <= 65535 ? (name, port) : nil
    }
}
