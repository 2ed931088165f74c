/// The `RPCD_METHODS_*` keys: where exec methods live and how many may run (DESIGN §10.1).
package struct ExecMethodSettings: Sendable, Equatable {
    /// `RPCD_METHODS_DIR`: the directory scanned for exec methods, or nil for none.
    package var directory: String?
    /// `RPCD_METHODS_PASS_ENV`: the names of rpcd's own environment variables passed on to methods.
    package var passEnvironment: [String] = []
    /// `RPCD_METHODS_MAX_OUTPUT`: the most stdout bytes a call may write (default: `RPCD_MAX_REQUEST_BYTES`).
    package var maxOutputBytes = 5 << 20
    /// `RPCD_METHODS_CONCURRENCY`: calls running at once per worker.
    package var concurrency = 16
    /// `RPCD_METHODS_QUEUE`: calls waiting per worker beyond the running ones.
    package var queue = 64

    /// The defaults: no directory, nothing passed on.
    package init() {}
}
