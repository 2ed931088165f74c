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
        /// The stored socket to serve each endpoint on, instead of binding it again.
        package var reused: [ListenEndpoint: Entry] = [:]
        /// Stored sockets of endpoints no longer configured: close them and remove them from the store.
        package var stale: [Entry] = []
        /// A second socket under a name already matched: close it, and leave the store alone
        /// (removing by name would drop the one in use too).
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

    /// Matches `stored` to `endpoints` by name.
    package static func plan(endpoints: [ListenEndpoint], stored: [Entry]) -> Plan {
        var plan = Plan()
        var byName: [String: ListenEndpoint] = [:]
        for endpoint in endpoints {
            if let name = Self.name(for: endpoint) {
                byName[name] = endpoint
            }
        }
        for entry in stored {
            guard let endpoint = byName[entry.name] else {
                plan.stale.append(entry)
                continue
            }
            if plan.reused[endpoint] == nil {
                plan.reused[endpoint] = entry
            } else {
                plan.duplicates.append(entry)
            }
        }
        return plan
    }

    private static func hexDigits(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
