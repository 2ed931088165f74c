/// Where a test client connects: a TCP host and port on loopback, or a unix socket path.
public enum SocketEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// A TCP address; `host` is an IPv4 or IPv6 literal without brackets.
    case tcp(host: String, port: Int)
    /// A unix stream socket.
    case unix(path: String)

    /// Parses an address as rpcd logs it: `127.0.0.1:PORT`, `[::1]:PORT` or `/path/to.sock`.
    public init(address: String) throws {
        if address.hasPrefix("/") {
            self = .unix(path: address)
            return
        }
        if address.hasPrefix("unix:") {
            self = .unix(path: String(address.dropFirst("unix:".count)))
            return
        }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw TestSupportError(.protocolViolation, "not an address: \(address)")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        self = .tcp(host: host, port: port)
    }

    /// The TCP port, or nil for a unix socket.
    public var port: Int? {
        if case .tcp(_, let port) = self { port } else { nil }
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }
}
