/// Which backends are declared and the winning text of each of their keys (DESIGN §10.2):
/// `RPCD_BACKENDS_DIR/NAME.env` files (keys without prefix) and `RPCD_BACKEND_<NAME>_<KEY>` keys
/// in the environment and the config file; environment > config file > backend file, key by key.
///
/// NAME and KEY may both contain `_` (`RPCD_BACKEND_MY_APP_START_TIMEOUT`), so names come first:
/// from every `RPCD_BACKEND_<NAME>_COMMAND` key and every file; then each other key belongs to the
/// longest declared name it starts with. A key naming no declared backend, or no known key, is a
/// warning, never silently dropped.
struct BackendDeclarations {
    /// One declared backend.
    struct Backend {
        /// Lower case, `[a-z0-9_]+`.
        var name: String
        /// Its own file, if it has one.
        var file: String?
        /// The winning setting of each key that some layer sets.
        var settings: [BackendKey: LayeredSettings.Setting] = [:]
    }

    /// The backends, sorted by name.
    private(set) var backends: [Backend] = []
    /// Ignored keys and files.
    private(set) var warnings: [String] = []

    /// Gathers the declarations.
    /// - Parameters:
    ///   - keys: the `RPCD_BACKEND_*` keys of the environment and config file, already layered.
    ///   - directory: `RPCD_BACKENDS_DIR` resolved, or nil for none.
    ///   - directorySetting: the layer that named the directory, nil for the default (failing to
    ///     list a named directory is an error; the default one that cannot be listed is a warning).
    ///   - host: lists the directory and reads the files.
    /// - Throws: `ConfigurationError` when the named directory cannot be listed, a backend file
    ///   cannot be read or is malformed, or two files declare the same backend.
    init(
        keys: [String: LayeredSettings.Setting],
        directory: String?,
        directorySetting: LayeredSettings.Setting?,
        host: ConfigurationLoader.Host
    ) throws(ConfigurationError) {
        var byName: [String: Backend] = [:]
        if let directory {
            for (name, path) in try self.backendFiles(in: directory, named: directorySetting, host: host) {
                var backend = Backend(name: name, file: path)
                try self.readFile(path, into: &backend, host: host)
                byName[name] = backend
            }
        }

        let commandSuffix = "_" + BackendKey.command.suffix
        for fullName in keys.keys where fullName.hasSuffix(commandSuffix) {
            let upper = fullName.dropFirst(BackendKey.prefix.count).dropLast(commandSuffix.count)
            if !upper.isEmpty, Self.isUpperName(upper), byName[upper.lowercased()] == nil {
                byName[upper.lowercased()] = Backend(name: upper.lowercased())
            }
        }

        // Longest names first, so `MY_APP_QUEUE` goes to `my_app` rather than `my`; equal lengths
        // alphabetically, so the order never depends on the dictionary's.
        let names = byName.keys.sorted { ($0.count, $1) > ($1.count, $0) }
        let filesDirectory = directory ?? DaemonConfiguration.defaultBackendsDirectory
        for fullName in keys.keys.sorted() {
            let setting = keys[fullName]!
            let rest = fullName.dropFirst(BackendKey.prefix.count)
            guard let name = names.first(where: { rest.hasPrefix($0.uppercased() + "_") }) else {
                self.warnings.append(Self.undeclaredWarning(fullName, rest: rest, setting, directory: filesDirectory))
                continue
            }
            let suffix = String(rest.dropFirst(name.count + 1))
            guard let key = BackendKey(suffix: suffix) else {
                var warning = "unknown setting \(fullName) \(Self.place(setting)) is ignored"
                if let suggestion = BackendKey.closest(to: suffix) {
                    warning += " (did you mean \(BackendKey.prefix)\(name.uppercased())_\(suggestion.suffix)?)"
                }
                self.warnings.append(warning)
                continue
            }
            byName[name]!.settings[key] = setting
        }
        self.backends = byName.values.sorted { $0.name < $1.name }
    }

    /// `NAME.env` files by backend name; warns about `.env` files whose name does not fit.
    private mutating func backendFiles(
        in directory: String,
        named setting: LayeredSettings.Setting?,
        host: ConfigurationLoader.Host
    ) throws(ConfigurationError) -> [(String, String)] {
        let fileNames: [String]
        do {
            fileNames = try host.listDirectory(directory)
        } catch {
            guard let setting else {
                self.warnings.append(
                    "cannot list the backends directory \(directory): \(error.reason); no backend is read from it"
                )
                return []
            }
            throw ConfigurationError(
                code: .invalidValue,
                message: "\(ConfigurationKey.backendsDir.rawValue)='\(setting.text)': cannot list the directory "
                    + "\(directory): \(error.reason) (\(setting.origin))",
                cause: error
            )
        }
        var files: [(String, String)] = []
        var seen: [String: String] = [:]
        for fileName in fileNames.sorted() {
            let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
            switch BackendFileName(fileName) {
            case .ignored:
                continue
            case .invalid:
                self.warnings.append(
                    "backend file \(path) is ignored: a backend's file is NAME.env with NAME of A-Z a-z 0-9 _"
                )
            case .backend(let name):
                if let earlier = seen[name] {
                    throw ConfigurationError(
                        code: .invalidValue,
                        message: "backend \(name) is declared twice, by \(earlier) and \(path) (names ignore case)"
                    )
                }
                seen[name] = path
                files.append((name, path))
            }
        }
        return files
    }

    /// The keys of the backend's own file, the lowest layer.
    private mutating func readFile(
        _ path: String,
        into backend: inout Backend,
        host: ConfigurationLoader.Host
    ) throws(ConfigurationError) {
        let file = try EnvironmentFile.load(path: path, host: host)
        var lines: [BackendKey: Int] = [:]
        for assignment in file.assignments {
            let place = "\(path) line \(assignment.line)"
            guard let key = BackendKey(suffix: assignment.key) else {
                var warning = "unknown setting \(assignment.key) in \(place) is ignored"
                if let suggestion = BackendKey.closest(to: assignment.key) {
                    warning += " (did you mean \(suggestion.suffix)?)"
                } else if assignment.key.hasPrefix(BackendKey.prefix) || assignment.key.hasPrefix("RPCD_") {
                    warning += " (a backend's file holds its keys without prefix, like COMMAND=...)"
                }
                self.warnings.append(warning)
                continue
            }
            if let earlier = lines[key] {
                self.warnings.append(
                    "\(assignment.key) is set twice in \(path) (lines \(earlier) and \(assignment.line)); "
                        + "line \(assignment.line) wins"
                )
            }
            lines[key] = assignment.line
            backend.settings[key] = LayeredSettings.Setting(
                text: assignment.value,
                source: .file(path),
                origin: "from \(place)"
            )
        }
    }

    /// `[A-Z0-9_]+`.
    private static func isUpperName(_ name: Substring) -> Bool {
        name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
    }

    /// `in the environment`, `in /etc/rpcd/rpcd.env line 4`.
    private static func place(_ setting: LayeredSettings.Setting) -> String {
        "in" + setting.origin.dropFirst("from".count)
    }

    /// The warning for a key whose NAME part is no declared backend: names the backend it seems
    /// to mean (the part before a known key) and how to declare it.
    private static func undeclaredWarning(
        _ fullName: String,
        rest: Substring,
        _ setting: LayeredSettings.Setting,
        directory: String
    ) -> String {
        let place = Self.place(setting)
        var guessed: Substring?
        // Longest suffixes first: `START_TIMEOUT` before `TIMEOUT`.
        if let key = BackendKey.fixed.sorted(by: { $0.suffix.count > $1.suffix.count }).first(where: {
            rest.hasSuffix("_" + $0.suffix) && rest.count > $0.suffix.count + 1
        }) {
            guessed = rest.dropLast(key.suffix.count + 1)
        } else if let environment = rest.firstRange(of: "_ENV_") {
            guessed = rest[..<environment.lowerBound]
        }
        if let upper = guessed, !upper.isEmpty, !Self.isUpperName(upper) {
            return "unknown setting \(fullName) \(place) is ignored "
                + "(NAME in \(BackendKey.prefix)<NAME>_<KEY> is upper case: A-Z 0-9 _)"
        }
        guard let upper = guessed, !upper.isEmpty else {
            var warning = "unknown setting \(fullName) \(place) is ignored (expected \(BackendKey.prefix)<NAME>_<KEY>"
            if let suggestion = ConfigurationKey.closest(to: fullName) {
                warning += "; did you mean \(suggestion.rawValue)?)"
            } else {
                warning += ")"
            }
            return warning
        }
        let name = upper.lowercased()
        let file = directory.hasSuffix("/") ? "\(directory)\(name).env" : "\(directory)/\(name).env"
        return "\(fullName) \(place): no backend \(name) is declared "
            + "(it needs \(BackendKey.prefix)\(upper)_\(BackendKey.command.suffix) or \(file))"
    }
}
