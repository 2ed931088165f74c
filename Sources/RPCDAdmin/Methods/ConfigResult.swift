/// The `config` result: `{KEY: {"value", "source", "reload"}}` for every configuration key, in the
/// order the daemon lists them, secrets redacted.
package struct ConfigResult: AdminPayload {
    /// One key's effective setting.
    package struct Entry: Sendable, Equatable {
        /// The environment name, e.g. `RPCD_WORKERS`.
        package var key: String
        /// The effective value in its canonical text form (empty for "none").
        package var value: String
        /// Where it came from: `default`, `file PATH`, `env` or `flag`.
        package var source: String
        /// When a change takes effect: `live`, `rolling` or `restart`.
        package var reload: String

        /// Creates an entry.
        package init(key: String, value: String, source: String, reload: String) {
            self.key = key
            self.value = value
            self.source = source
            self.reload = reload
        }
    }

    /// The keys, in order.
    package var entries: [Entry]

    /// Creates a result.
    package init(entries: [Entry]) {
        self.entries = entries
    }

    /// The entry for `key`, if the daemon listed it.
    package subscript(key: String) -> Entry? {
        self.entries.first { $0.key == key }
    }

    /// Decodes the object, keeping its member order.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NameKey.self)
        self.entries = try container.allKeys.map { key in
            let member = try container.decode(Member.self, forKey: key)
            return Entry(key: key.stringValue, value: member.value, source: member.source, reload: member.reload)
        }
    }

    /// Encodes one member per entry, in order.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NameKey.self)
        for entry in self.entries {
            try container.encode(
                Member(value: entry.value, source: entry.source, reload: entry.reload),
                forKey: NameKey(entry.key)
            )
        }
    }

    /// The JSON shape of one entry: the key is the member name outside it.
    private struct Member: Codable {
        var value: String
        var source: String
        var reload: String
    }
}
