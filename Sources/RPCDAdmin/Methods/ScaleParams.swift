internal import JSONRPC

/// The `scale` params: `{"workers": N}`.
package struct ScaleParams: AdminPayload, RPCParameters {
    /// The worker count to run.
    package var workers: Int

    /// The one parameter, `workers`.
    package static var parameterNames: [String] { ["workers"] }

    /// Creates params.
    package init(workers: Int) {
        self.workers = workers
    }
}
