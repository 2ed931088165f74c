internal import JSONRPC

/// The `log_level` params: `{"level": "debug"}` sets the level; without `level` it is only read.
package struct LogLevelParams: AdminPayload, RPCParameters {
    /// The levels rpcd knows, from the most verbose.
    package static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// The level to set, or `nil` to read the current one.
    package var level: String?

    /// The one parameter, `level`.
    package static var parameterNames: [String] { ["level"] }

    /// Creates params.
    package init(level: String? = nil) {
        self.level = level
    }

    /// `text` as a known level (case-insensitive), or `nil` when it is not one of ``levels``.
    package static func normalized(_ text: String) -> String? {
        let lowered = text.lowercased()
        return self.levels.contains(lowered) ? lowered : nil
    }
}
