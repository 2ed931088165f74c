package import RPCDConfiguration

/// How rpcd names its listening sockets in systemd's file-descriptor store, and how it matches
/// the ones the store gives back at start to the endpoints of `RPCD_LISTEN` (DESIGN §12).
///
/// A socket is stored under `listen=` and its endpoint's canonical text, with `%`, `:` and any
/// byte outside printable ASCII percent-encoded (`listen=tcp%3A//127.0.0.1%3A7700`): systemd
/// takes FDNAME= only without `:` (the separator of `LISTEN_FDNAMES`) and at most 255 long. The
/// prefix tells stored sockets apart from a socket unit's (`rpc`, `http`, `admin`). Matching
/// compares names, never parsed addresses, so an endpoint is reused exactly when its text
/// (framing and unix mode included) is unchanged.
package enum ListeningSocketStore {
    /// The prefix of every FDNAME rpcd stores.
    package static let namePrefix = "listen="
    /// The longest FDNAME systemd accepts.
    package static let maximumNameLength = 255

    /// One socket the store passed back at start.
    package struct Entry: Sendable, Hashable {
        /// Its FDNAME.
        package var name: String
        /// The descriptor (from 3 on).
        package var descriptor: Int32
        /// The bound address as `getsockname` reports it.
        package var address: String

        /// An entry described by its parts.
        package init(name: String, descriptor: Int32, address: String) {
            self.name = name
            self.descriptor = descriptor
            self.address = address
        }
    }

    /// What to do with the stored sockets at start.
    package struct Plan: Sendable, Equatable {
        /// The stored socket to serve on instead of binding again, by the endpoint's index in the
        /// configured list (`RPCD_LISTEN` may name `tcp://HOST:0` twice: one stored socket each).
        package var reused: [Int: Entry] = [:]
        /// Stored sockets of endpoints no longer configured: close them and remove them from the store.
        package var stale: [Entry] = []
        /// A socket stored under a name more often than the endpoint is configured: close it, and
        /// leave the store alone (removing by name would drop the one in use too).
        package var duplicates: [Entry] = []

        /// An empty plan: every endpoint is bound.
        package init() {}
    }

    /// The FDNAME for `endpoint`, or nil when it would be longer than systemd accepts (such a
    /// socket is bound anew at every start).
    package static func name(for endpoint: ListenEndpoint) -> String? {
        var name = Self.namePrefix
        for byte in endpoint.description.utf8 {
            if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "%") {
                name += "%" + Self.hexDigits(byte)
            } else {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return name.utf8.count <= Self.maximumNameLength ? name : nil
    }

    /// Whether a passed descriptor's name marks a socket rpcd stored.
    package static func isStoredName(_ name: String) -> Bool {
        name.hasPrefix(Self.namePrefix)
    }

    /// Matches `stored` to `endpoints` by name, each stored socket to at most one endpoint.
    package static func plan(endpoints: [ListenEndpoint], stored: [Entry]) -> Plan {
        var plan = Plan()
        // The indexes of the endpoints of each name still waiting for a stored socket.
        var waiting: [String: [Int]] = [:]
        for (index, endpoint) in endpoints.enumerated() {
            if let name = Self.name(for: endpoint) {
                waiting[name, default: []].append(index)
            }
        }
        for entry in stored {
            guard let indexes = waiting[entry.name] else {
                plan.stale.append(entry)
                continue
            }
            guard let index = indexes.first else {
                plan.duplicates.append(entry)
                continue
            }
            plan.reused[index] = entry
            waiting[entry.name] = Array(indexes.dropFirst())
        }
        return plan
    }

    private static func hexDigits(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
