/// The `status` admin result, decoded by the field names DESIGN §7 fixes; decoding fails when one
/// is missing or misnamed.
public struct AdminStatus: Decodable, Sendable, Equatable {
    /// `workers` {`desired`, `ready`}.
    public struct Workers: Decodable, Sendable, Equatable, CustomStringConvertible {
        public var desired: Int
        public var ready: Int

        /// Creates a count, for comparisons.
        public init(desired: Int, ready: Int) {
            self.desired = desired
            self.ready = ready
        }

        public var description: String { "\(self.ready)/\(self.desired) ready" }
    }

    /// One of `listeners`.
    public struct Listener: Decodable, Sendable, Equatable {
        public var endpoint: String
        public var role: String
        public var address: String
    }

    public var version: String
    public var pid: Int32
    public var mode: String
    public var uptimeSeconds: Int
    public var generation: Int
    public var workers: Workers
    public var listeners: [Listener]
    public var requests: Int
    public var errors: Int
    /// Out of rotation (`rpcd-admin drain`, a stop's grace; DESIGN §12).
    public var draining: Bool

    private enum CodingKeys: String, CodingKey {
        case version
        case pid
        case mode
        case uptimeSeconds = "uptime_seconds"
        case generation
        case workers
        case listeners
        case requests
        case errors
        case draining
    }

    /// The first listener with `role`.
    /// - Throws: when there is none.
    public func listener(role: String) throws -> Listener {
        guard let listener = self.listeners.first(where: { $0.role == role }) else {
            throw TestSupportError(.protocolViolation, "no \(role) listener in status: \(self.listeners)")
        }
        return listener
    }
}
