/// The output of `rpcd --check-config`: one `KEY=VALUE  # source` line per key.
public struct CheckConfigReport: Sendable, CustomStringConvertible {
    /// One key's effective value and where it came from.
    public struct Entry: Hashable, Sendable {
        /// The value as printed.
        public let value: String
        /// `default`, `file PATH`, `env` or `flag`.
        public let source: String

        /// Creates an entry.
        public init(value: String, source: String) {
            self.value = value
            self.source = source
        }
    }

    /// The entries by key.
    public let entries: [String: Entry]
    /// Lines that are not `KEY=VALUE  # source`.
    public let unparsedLines: [String]
    private let text: String

    /// Parses the report.
    public init(_ text: String) {
        var entries: [String: Entry] = [:]
        var unparsed: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let match = line.wholeMatch(of: /([A-Z][A-Z0-9_]*)=(.*)  # (.+)/) else {
                unparsed.append(String(line))
                continue
            }
            entries[String(match.1)] = Entry(value: String(match.2), source: String(match.3))
        }
        self.entries = entries
        self.unparsedLines = unparsed
        self.text = text
    }

    /// The entry for a key.
    public subscript(_ key: String) -> Entry? {
        self.entries[key]
    }

    public var description: String { self.text }
}
