/// The `drain` result: `{"draining": true, "connections": 3}`.
package struct DrainResult: AdminPayload {
    /// Whether rpcd is now out of rotation.
    package var draining: Bool
    /// Client connections open on the whole service (in master mode, as the workers last reported).
    package var connections: Int

    /// Creates a result.
    package init(draining: Bool, connections: Int) {
        self.draining = draining
        self.connections = connections
    }
}
