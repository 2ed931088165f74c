/// A listener rpcd reported as bound, from its `"msg":"listening"` log line.
public struct Listener: Hashable, Sendable, CustomStringConvertible {
    /// The endpoint as configured, e.g. `tcp://127.0.0.1:0`.
    public let endpoint: String
    /// `ndjson`, `length`, `http` (or `admin`).
    public let role: String
    /// The bound address: `127.0.0.1:PORT`, `[::1]:PORT` or a unix socket path.
    public let address: String

    /// Creates a listener description.
    public init(endpoint: String, role: String, address: String) {
        self.endpoint = endpoint
        self.role = role
        self.address = address
    }

    /// Where a client connects to reach this listener.
    public var socketEndpoint: SocketEndpoint {
        get throws {
            try SocketEndpoint(address: self.address)
        }
    }

    /// The bound TCP port.
    /// - Throws: when the address is a unix socket path.
    public var port: Int {
        get throws {
            guard case .tcp(_, let port) = try self.socketEndpoint else {
                throw TestSupportError(.protocolViolation, "listener \(self) has no port")
            }
            return port
        }
    }

    public var description: String { "\(self.role) \(self.endpoint) at \(self.address)" }
}

/// The listeners a started rpcd reported before `ready`.
public struct Listeners: Sendable, CustomStringConvertible {
    /// Every listener, in the order they were logged.
    public let all: [Listener]

    /// Creates a set of listeners.
    public init(_ all: [Listener]) {
        self.all = all
    }

    /// The listeners with a role.
    public func with(role: String) -> [Listener] {
        self.all.filter { $0.role == role }
    }

    /// The only (or first) listener with a role.
    /// - Throws: when there is none.
    public func first(role: String) throws -> Listener {
        guard let listener = self.all.first(where: { $0.role == role }) else {
            throw TestSupportError(.protocolViolation, "no \(role) listener among \(self)")
        }
        return listener
    }

    /// The first newline-delimited JSON listener's client endpoint.
    public func ndjson() throws -> SocketEndpoint { try self.first(role: "ndjson").socketEndpoint }

    /// The first length-prefixed listener's client endpoint.
    public func length() throws -> SocketEndpoint { try self.first(role: "length").socketEndpoint }

    /// The first HTTP listener's client endpoint.
    public func http() throws -> SocketEndpoint { try self.first(role: "http").socketEndpoint }

    public var description: String { "[" + self.all.map(\.description).joined(separator: ", ") + "]" }
}
