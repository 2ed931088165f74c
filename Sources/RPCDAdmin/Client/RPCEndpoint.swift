package import RPCDSystem

/// Where `rpcd-admin call` sends its request: an rpcd listener, from a `--url` or from a
/// listener address that `status` reported.
package enum RPCEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// How messages are delimited on a stream listener.
    package enum Framing: Hashable, Sendable {
        /// One JSON text per line.
        case ndjson
        /// A 4-byte big-endian length before each message.
        case length
    }

    /// A TCP or unix stream listener.
    case stream(StreamClientSocket.Address, Framing)
    /// An HTTP listener: `POST path` to `host:port`.
    case http(host: String, port: Int, path: String)
    /// A TCP stream or HTTP listener behind TLS (`tls://`, `https://`).
    indirect case tls(RPCEndpoint)

    /// The endpoint without TLS, and whether TLS wraps it.
    package var plain: (endpoint: RPCEndpoint, tls: Bool) {
        if case .tls(let inner) = self { (inner, true) } else { (self, false) }
    }

    /// Parses `tcp://HOST:PORT[?framing=length]`, `unix:/path`, `http://HOST:PORT[/path]`, the same over
    /// TLS as `tls://…` and `https://…`, or a bare
    /// address as `status` shows it (`HOST:PORT`, `[V6]:PORT`, `/path`), which means NDJSON.
    /// - Returns: `nil` when `text` is none of those.
    package init?(url text: String) {
        var rest = Substring(text)
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var framing = Framing.ndjson
        for item in query.split(separator: "&") {
            switch item {
            case "framing=length": framing = .length
            case "framing=ndjson": framing = .ndjson
            default:
                // `mode=0660` and the like concern the listener, not its clients.
                continue
            }
        }
        if rest.hasPrefix("unix:") {
            let path = rest.dropFirst("unix:".count)
            guard path.hasPrefix("/") else { return nil }
            self = .stream(.unix(path: String(path)), framing)
        } else if rest.hasPrefix("tls://") || rest.hasPrefix("https://") {
            // The same forms as tcp:// and http://, spoken over TLS.
            let plainText = (rest.hasPrefix("tls://") ? "tcp://" : "http://") + text.drop { $0 != ":" }.dropFirst(3)
            guard let inner = RPCEndpoint(url: plainText) else { return nil }
            self = .tls(inner)
        } else if rest.hasPrefix("tcp://") {
            guard let (host, port) = Self.hostAndPort(rest.dropFirst("tcp://".count)) else { return nil }
            self = .stream(.tcp(host: host, port: port), framing)
        } else if rest.hasPrefix("http://") {
            var authority = rest.dropFirst("http://".count)
            var path = "/"
            if let slash = authority.firstIndex(of: "/") {
                path = String(authority[slash...])
                authority = authority[..<slash]
            }
            guard let (host, port) = Self.hostAndPort(authority) else { return nil }
            self = .http(host: host, port: port, path: path)
        } else if let address = Self.init(listenerAddress: String(rest)) {
            self = address
        } else {
            return nil
        }
    }

    /// The NDJSON endpoint for a listener address as `status` reports it: `HOST:PORT`, `[V6]:PORT`
    /// or a unix socket path. A wildcard host (`0.0.0.0`, `::`) is reached over loopback.
    package init?(listenerAddress address: String) {
        if address.hasPrefix("/") {
            self = .stream(.unix(path: address), .ndjson)
            return
        }
        guard case (var host, let port)? = Self.hostAndPort(Substring(address)) else { return nil }
        if host == "0.0.0.0" {
            host = "127.0.0.1"
        } else if host == "::" {
            host = "::1"
        }
        self = .stream(.tcp(host: host, port: port), .ndjson)
    }

    /// `HOST:PORT` or `[V6]:PORT` split, brackets removed; `nil` without a valid port or host.
    private static func hostAndPort(_ text: Substring) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            return nil
        }
        var host = text[..<colon]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            // An IPv6 literal must be bracketed, or the port would be ambiguous.
            return nil
        }
        guard !host.isEmpty else { return nil }
        return (String(host), port)
    }

    /// The endpoint as a URL: `tcp://127.0.0.1:7700`, `unix:/run/rpcd/rpc.sock`, `http://[::1]:7701/`.
    package var description: String {
        switch self {
        case .stream(.unix(let path), let framing):
            "unix:\(path)" + (framing == .length ? "?framing=length" : "")
        case .stream(let address, let framing):
            "tcp://\(address)" + (framing == .length ? "?framing=length" : "")
        case .http(let host, let port, let path):
            "http://\(StreamClientSocket.Address.tcp(host: host, port: port))\(path)"
        case .tls(let inner):
            inner.description.hasPrefix("http://")
                ? "https://" + inner.description.dropFirst("http://".count)
                : "tls://" + inner.description.dropFirst("tcp://".count)
        }
    }
}
