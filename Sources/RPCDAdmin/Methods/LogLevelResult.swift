/// The `log_level` result: `{"level": "info"}`, the level in effect.
package struct LogLevelResult: AdminPayload {
    /// The level, e.g. `info`.
    package var level: String

    /// Creates a result.
    package init(level: String) {
        self.level = level
    }
}
