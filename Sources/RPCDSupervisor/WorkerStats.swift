/// What a worker last reported about itself in a heartbeat.
package struct WorkerStats: Sendable, Equatable {
    /// Calls answered since the worker started.
    package var requests: Int = 0
    /// Calls answered with an error.
    package var errors: Int = 0
    /// Calls running now.
    package var inFlight: Int = 0
    /// Open client connections.
    package var connections: Int = 0

    package init(requests: Int = 0, errors: Int = 0, inFlight: Int = 0, connections: Int = 0) {
        self.requests = requests
        self.errors = errors
        self.inFlight = inFlight
        self.connections = connections
    }
}
