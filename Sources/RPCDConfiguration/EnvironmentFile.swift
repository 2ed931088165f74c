/// A config file in environment-file syntax, parsed.
///
/// Syntax: `KEY=VALUE` lines; blank lines and lines starting with `#` are skipped; an optional
/// `export ` prefix; blanks around `=` are allowed. A value is either
/// - unquoted: the rest of the line, up to a `#` that follows a blank (a comment, as in the
///   shell), trailing blanks trimmed;
/// - `'single-quoted'`: taken literally;
/// - `"double-quoted"`: with the escapes `\"`, `\\` and `\n` (any other backslash is kept as is).
///
/// A quoted value cannot span lines, and only a comment may follow its closing quote.
///
/// swift-configuration has an environment-file parser (`EnvironmentFileParser`, behind
/// `EnvironmentVariablesProvider(environmentFilePath:)`), but it handles no quotes and skips
/// malformed lines silently; rpcd must report them with their line number, so it parses here.
struct EnvironmentFile: Sendable, Equatable {
    /// One `KEY=VALUE` line.
    struct Assignment: Sendable, Equatable {
        var key: String
        var value: String
        /// 1-based line number.
        var line: Int
    }

    /// The absolute path the file was read from (used in messages).
    var path: String
    /// The assignments, in file order (a key may repeat; the last one wins).
    var assignments: [Assignment]

    /// Files larger than this are refused: a config file is a few kilobytes, and a path
    /// pointing at a device or a log file should fail rather than fill memory.
    static let maximumBytes = 1 << 20

    /// Reads the file at an absolute path through `host` and parses it.
    static func load(path: String, host: ConfigurationLoader.Host) throws(ConfigurationError) -> EnvironmentFile {
        let bytes: [UInt8]
        do {
            bytes = try host.readFile(path, self.maximumBytes)
        } catch {
            throw ConfigurationError(
                code: error.code == .notFound ? .configFileNotFound : .configFileUnreadable,
                message: "cannot read config file \(path): \(error.reason)",
                cause: error.cause ?? error
            )
        }
        guard bytes.count <= self.maximumBytes else {
            throw ConfigurationError(
                code: .configFileUnreadable,
                message: "config file \(path) is larger than 1MiB; is it the right file?"
            )
        }
        return try self.parse(String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// Parses file contents.
    /// - Throws: `ConfigurationError` with code `malformedConfigFile`, naming `path` and the line.
    static func parse(_ contents: String, path: String) throws(ConfigurationError) -> EnvironmentFile {
        var assignments: [Assignment] = []
        for (index, rawLine) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            do {
                if let (key, value) = try self.parseLine(rawLine) {
                    assignments.append(Assignment(key: key, value: value, line: lineNumber))
                }
            } catch {
                throw ConfigurationError(
                    code: .malformedConfigFile,
                    message: "\(path):\(lineNumber): \(error.explanation)"
                )
            }
        }
        return EnvironmentFile(path: path, assignments: assignments)
    }

    /// One line: `nil` for a blank or comment line.
    private static func parseLine(_ rawLine: Substring) throws(ValueProblem) -> (String, String)? {
        var line = rawLine
        if line.last == "\r" {
            line.removeLast()
        }
        line = line.drop(while: isBlank)
        if line.isEmpty || line.first == "#" {
            return nil
        }
        if line.hasPrefix("export"), let next = line.dropFirst("export".count).first, isBlank(next) {
            line = line.dropFirst("export".count).drop(while: isBlank)
        }
        guard let equals = line.firstIndex(of: "=") else {
            throw ValueProblem("expected KEY=VALUE, got '\(line.trimmingTrailingBlanks())'")
        }
        let key = line[..<equals].trimmingTrailingBlanks()
        guard self.isValidKey(key) else {
            throw ValueProblem(
                "invalid key '\(key)': expected letters, digits and underscores, not starting with a digit"
            )
        }
        let value = try self.parseValue(line[line.index(after: equals)...])
        return (String(key), value)
    }

    /// The value after `=`, blanks included.
    private static func parseValue(_ afterEquals: Substring) throws(ValueProblem) -> String {
        let text = afterEquals.drop(while: isBlank)
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            // Unquoted: a `#` after a blank starts a comment, as in the shell (`KEY=  # none`
            // is empty, `KEY=#x` is `#x`).
            var end = afterEquals.endIndex
            var previous: Character = "="
            for index in afterEquals.indices {
                if afterEquals[index] == "#" && isBlank(previous) {
                    end = index
                    break
                }
                previous = afterEquals[index]
            }
            return String(afterEquals[..<end].drop(while: isBlank).trimmingTrailingBlanks())
        }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote {
                let rest = text[text.index(after: index)...].drop(while: isBlank)
                guard rest.isEmpty || rest.first == "#" else {
                    throw ValueProblem("unexpected text after the closing quote: '\(rest.trimmingTrailingBlanks())'")
                }
                return value
            }
            if quote == "\"" && character == "\\" {
                let next = text.index(after: index)
                if next < text.endIndex {
                    switch text[next] {
                    case "\"":
                        value.append("\"")
                        index = text.index(after: next)
                        continue
                    case "\\":
                        value.append("\\")
                        index = text.index(after: next)
                        continue
                    case "n":
                        value.append("\n")
                        index = text.index(after: next)
                        continue
                    default:
                        break
                    }
                }
            }
            value.append(character)
            index = text.index(after: index)
        }
        throw ValueProblem("missing closing \(quote) (a quoted value cannot span lines)")
    }

    private static func isValidKey(_ key: Substring) -> Bool {
        guard let first = key.first, !(first.isASCII && first.isNumber) else {
            return false
        }
        return key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}

private func isBlank(_ character: Character) -> Bool {
    character == " " || character == "\t"
}

extension Substring {
    fileprivate func trimmingTrailingBlanks() -> Substring {
        var result = self
        while let last = result.last, isBlank(last) {
            result.removeLast()
        }
        return result
    }
}
