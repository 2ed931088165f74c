extension ConfigurationResolver {
    static let methodsConcurrency = 1...4096
    static let methodsQueue = 0...1_000_000

    /// The `RPCD_METHODS_*` keys; `RPCD_METHODS_MAX_OUTPUT` defaults to `maxRequestBytes`.
    mutating func resolveMethods(
        maxRequestBytes: Int,
        currentDirectory: String
    ) throws(ConfigurationError) -> ExecMethodSettings {
        var settings = ExecMethodSettings()
        settings.directory = try self.resolve(
            .methodsDir,
            default: nil,
            { text throws(ValueProblem) in try Self.optionalPath(text, currentDirectory: currentDirectory) },
            { $0 ?? "" }
        )
        settings.passEnvironment = try self.resolve(
            .methodsPassEnv,
            default: [],
            { text throws(ValueProblem) -> [String] in
                let names = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                for name in names where !Self.isVariableName(name) {
                    throw ValueProblem(
                        "'\(name)' is not a variable name (expected NAME[,NAME...], NAME of A-Z a-z 0-9 _)"
                    )
                }
                return names
            },
            { $0.joined(separator: ",") }
        )
        settings.maxOutputBytes = try self.resolve(
            .methodsMaxOutput,
            default: maxRequestBytes,
            { text throws(ValueProblem) in try ConfigValueSyntax.size(text, in: Self.maxRequestBytes) },
            ConfigValueSyntax.renderSize
        )
        settings.concurrency = try self.wholeNumber(.methodsConcurrency, default: 16, in: Self.methodsConcurrency)
        settings.queue = try self.wholeNumber(.methodsQueue, default: 64, in: Self.methodsQueue)
        return settings
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(
            self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
        )
    }
}
