/// One key of the `config` admin result (`{KEY: {"value", "source", "reload"}}`).
public struct AdminConfigEntry: Decodable, Sendable, Equatable, CustomStringConvertible {
    /// The effective value as text (secrets redacted).
    public var value: String
    /// `default`, `env`, `flag` or the config file.
    public var source: String
    /// `live`, `rolling` or `restart`.
    public var reload: String

    /// Creates an entry, for comparisons.
    public init(value: String, source: String, reload: String) {
        self.value = value
        self.source = source
        self.reload = reload
    }

    public var description: String { "\(self.value) (\(self.source), \(self.reload))" }
}
