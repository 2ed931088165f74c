/// One place rpcd listens, as written in `RPCD_LISTEN` (DESIGN §3).
///
/// Grammar:
/// - `tcp://HOST:PORT`, optionally `?framing=length` or `?framing=ndjson` (the default);
/// - `unix:/ABSOLUTE/PATH`, optionally `?mode=0660` (octal) and `framing=length|ndjson`, joined with `&`;
/// - `http://HOST:PORT`;
/// - `tls://HOST:PORT` (NDJSON over TLS, optionally `?framing=length`) and `https://HOST:PORT`.
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
    /// Connections speak TLS first (`tls://`, `https://`; TCP only), then `framing`.
    package var tls: Bool

    /// Creates an endpoint from its parts; `parse(_:)` is the usual way to get one.
    package init(kind: Kind, framing: Framing, unixMode: UInt16? = nil, tls: Bool = false) {
        self.kind = kind
        self.framing = framing
        self.unixMode = unixMode
        self.tls = tls
    }

    /// The listener role reported by `rpcd-admin status`: `ndjson`, `length`, `http`, `tls`,
    /// `tls-length` or `https`.
    package var role: String {
        guard self.tls else { return self.framing.rawValue }
        switch self.framing {
        case .ndjson: return "tls"
        case .length: return "tls-length"
        case .http: return "https"
        }
    }

    /// The transport a call on this endpoint reports (`RequestContext.transport`, exec methods'
    /// `RPCD_TRANSPORT`): the role, except that length-prefixed TLS is `tls` too.
    package var transport: String { self.tls ? (self.framing == .http ? "https" : "tls") : self.framing.rawValue }

    /// The canonical text of the endpoint, which `parse(_:)` reads back as the same value.
    package var description: String {
        switch self.kind {
        case .tcp(let host, let port):
            let hostText = host.contains(":") ? "[\(host)]" : host
            switch self.framing {
            case .http:
                return "\(self.tls ? "https" : "http")://\(hostText):\(port)"
            case .ndjson:
                return "\(self.tls ? "tls" : "tcp")://\(hostText):\(port)"
            case .length:
                return "\(self.tls ? "tls" : "tcp")://\(hostText):\(port)?framing=length"
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
    var bindAddress: Kind? {
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
