/// The `scale` result: `{"workers": N}`, the worker count now desired.
package struct ScaleResult: AdminPayload {
    /// The desired worker count.
    package var workers: Int

    /// Creates a result.
    package init(workers: Int) {
        self.workers = workers
    }
}
