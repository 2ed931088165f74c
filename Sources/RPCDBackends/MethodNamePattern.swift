/// A method name as a backend's `METHODS` declares it: an exact name, or `prefix.*` for every
/// name that starts with `prefix.` (DESIGN §10.2).
enum MethodNamePattern {
    /// Whether some method name would be defined by both `first` and `second`.
    static func overlap(_ first: String, _ second: String) -> Bool {
        switch (self.prefix(of: first), self.prefix(of: second)) {
        case (nil, nil):
            return first == second
        case (let prefix?, nil):
            return second.hasPrefix(prefix)
        case (nil, let prefix?):
            return first.hasPrefix(prefix)
        case (let one?, let other?):
            return one.hasPrefix(other) || other.hasPrefix(one)
        }
    }

    /// `prefix.` for a `prefix.*` pattern, nil for an exact name.
    private static func prefix(of name: String) -> String? {
        name.hasSuffix(".*") ? String(name.dropLast()) : nil
    }
}
