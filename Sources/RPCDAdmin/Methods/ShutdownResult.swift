/// The `shutdown` result: `{"stopping": true, "quick": false}`.
package struct ShutdownResult: AdminPayload {
    /// Whether the daemon is now stopping.
    package var stopping: Bool
    /// Whether it stops without draining.
    package var quick: Bool

    /// Creates a result.
    package init(stopping: Bool, quick: Bool) {
        self.stopping = stopping
        self.quick = quick
    }
}
