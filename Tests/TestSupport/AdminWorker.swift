/// One element of the `workers` admin result, decoded by the field names DESIGN §7 fixes.
public struct AdminWorker: Decodable, Sendable, Equatable, CustomStringConvertible {
    public var id: Int
    public var pid: Int32
    public var generation: Int
    public var state: String
    public var uptimeSeconds: Int
    public var requests: Int
    public var errors: Int
    public var inFlight: Int
    public var connections: Int
    public var rssBytes: Int
    public var restarts: Int

    private enum CodingKeys: String, CodingKey {
        case id
        case pid
        case generation
        case state
        case uptimeSeconds = "uptime_seconds"
        case requests
        case errors
        case inFlight = "in_flight"
        case connections
        case rssBytes = "rss_bytes"
        case restarts
    }

    public var description: String {
        "#\(self.id) pid \(self.pid) gen \(self.generation) \(self.state) restarts \(self.restarts)"
    }
}

extension [AdminWorker] {
    /// The workers that are `ready`.
    public var ready: [AdminWorker] { self.filter { $0.state == "ready" } }

    /// The worker in slot `id` that is ready, if any.
    public func ready(id: Int) -> AdminWorker? {
        self.first { $0.id == id && $0.state == "ready" }
    }
}
