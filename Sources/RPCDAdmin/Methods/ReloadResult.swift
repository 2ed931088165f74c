/// The `reload` result: the generation now serving and how long the reload took. A refused or
/// rolled-back reload is a JSON-RPC error instead.
package struct ReloadResult: AdminPayload {
    /// The new generation.
    package var generation: Int
    /// From the request to the old generation draining, in milliseconds.
    package var durationMs: Double

    /// Creates a result.
    package init(generation: Int, durationMs: Double) {
        self.generation = generation
        self.durationMs = durationMs
    }

    private enum CodingKeys: String, CodingKey {
        case generation
        case durationMs = "duration_ms"
    }
}
