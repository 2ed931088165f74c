extension BackendResolver {
    /// The program's absolute path: an absolute path as it stands, a bare name looked up in
    /// `searchPath` (its relative and empty entries skipped: rpcd never runs something found by
    /// its working directory).
    static func program(
        _ word: String,
        searchPath: String,
        host: ConfigurationLoader.Host
    ) throws(ValueProblem) -> String {
        if word.hasPrefix("/") {
            let path = ConfigValueSyntax.absolutePath(word, currentDirectory: "/")
            guard host.isExecutable(path) else {
                throw ValueProblem("\(path) is not an executable file (expected a program)")
            }
            return path
        }
        guard !word.isEmpty, !word.contains("/") else {
            throw ValueProblem("the program '\(word)' is neither an absolute path nor a bare name to find in PATH")
        }
        for directory in searchPath.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = ConfigValueSyntax.absolutePath(word, currentDirectory: String(directory))
            if host.isExecutable(candidate) {
                return candidate
            }
        }
        throw ValueProblem(
            "no executable \(word) in PATH \(searchPath) (expected an absolute path or a program in PATH)"
        )
    }

    /// `METHODS`: comma-separated method names or `prefix.*` patterns; empty is nil (ask the
    /// backend's `rpc.discover`).
    ///
    /// A name is `[A-Za-z0-9_][A-Za-z0-9._-]*`, as exec methods' are; `rpc.` names are JSON-RPC's
    /// own and refused.
    static func methods(_ text: String) throws(ValueProblem) -> [String]? {
        let items = ConfigValueSyntax.commaSeparated(text)
        guard !items.isEmpty else {
            return nil
        }
        for item in items {
            let name = item.hasSuffix(".*") ? String(item.dropLast(2)) : item
            guard Self.isMethodName(name) else {
                throw ValueProblem(
                    "'\(item)' is not a method name or pattern (expected NAME or PREFIX.* separated by commas, "
                        + "NAME of A-Z a-z 0-9 _ . - not starting with . or -)"
                )
            }
            guard !(name + ".").hasPrefix("rpc.") else {
                throw ValueProblem("'\(item)': names beginning with rpc. are reserved by JSON-RPC")
            }
        }
        var seen: Set<String> = []
        for item in items where !seen.insert(item).inserted {
            throw ValueProblem("'\(item)' is listed twice")
        }
        return items
    }

    /// `[A-Za-z0-9_][A-Za-z0-9._-]*`.
    private static func isMethodName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "."), first != UInt8(ascii: "-") else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
    }
}
