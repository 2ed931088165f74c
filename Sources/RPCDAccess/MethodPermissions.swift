/// The methods one credential may call: names and `prefix.*` patterns from a users-file line
/// (DESIGN §11). No patterns, or `*`, means every method.
package struct MethodPermissions: Sendable, Hashable {
    /// Every method: a credential without patterns, and the bearer token.
    package static let all = MethodPermissions(names: [], prefixes: [""])

    /// Methods named exactly.
    package private(set) var names: Set<String>
    /// Methods starting with one of these (`math.` from `math.*`; the empty prefix is `*`).
    package private(set) var prefixes: [String]

    private init(names: Set<String>, prefixes: [String]) {
        self.names = names
        self.prefixes = prefixes
    }

    /// Reads comma-separated patterns (`sum,math.*`); spaces around a pattern are dropped.
    /// - Throws: a message naming the bad pattern: an empty one, whitespace or a `*` anywhere but
    ///   a final `.*` (or alone).
    package init(patterns text: Substring) throws(MethodPermissionsError) {
        var names: Set<String> = []
        var prefixes: [String] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pattern = raw.trimmingSpaces()
            guard !pattern.isEmpty else {
                throw MethodPermissionsError(message: "an empty method pattern")
            }
            guard !pattern.contains(where: \.isWhitespace) else {
                throw MethodPermissionsError(message: "the method pattern '\(pattern)' holds whitespace")
            }
            if pattern == "*" {
                prefixes.append("")
            } else if pattern.hasSuffix(".*"), !pattern.dropLast(2).isEmpty, !pattern.dropLast(2).contains("*") {
                prefixes.append(String(pattern.dropLast()))
            } else if pattern.contains("*") {
                throw MethodPermissionsError(
                    message: "the method pattern '\(pattern)' has a '*' that is not a final '.*'"
                )
            } else {
                names.insert(String(pattern))
            }
        }
        self.init(names: names, prefixes: prefixes)
    }

    /// Whether `method` is one of these.
    package func allows(_ method: String) -> Bool {
        if self.names.contains(method) { return true }
        for prefix in self.prefixes where method.hasPrefix(prefix) {
            return true
        }
        return false
    }
}

/// Method patterns that cannot be read.
package struct MethodPermissionsError: Error, Sendable, Hashable {
    /// What is wrong, as a noun phrase.
    package var message: String
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
