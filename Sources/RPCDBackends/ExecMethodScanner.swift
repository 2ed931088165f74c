package import RPCDSystem

/// Reads `RPCD_METHODS_DIR` into exec method definitions (DESIGN §10.1): one per regular,
/// executable file with a valid name; ignored names are skipped silently, unsafe files refused
/// with a warning naming the file and the reason.
package enum ExecMethodScanner {
    /// What the scanner makes of one directory entry.
    package enum Verdict: Sendable, Hashable {
        /// Serve it.
        case method
        /// Skip it silently (backup, package-manager leftover, not executable, not a file).
        case ignored
        /// Skip it with a warning saying why.
        case refused(String)
    }

    /// The result of a scan.
    package struct Scan: Sendable {
        /// The methods found, sorted by name.
        package var definitions: [ExecMethodDefinition] = []
        /// One line per refused file: `exec method /dir/name refused: world-writable`.
        package var warnings: [String] = []
    }

    /// Scans `directory`; `allowedOwners` are root and rpcd's own uid.
    /// - Throws: `SystemCallError` when the directory itself cannot be listed.
    package static func scan(directory: String, allowedOwners: Set<UInt32>) throws(SystemCallError) -> Scan {
        var scan = Scan()
        for name in try FileFacts.directoryEntries(directory) {
            guard Self.isMethodName(name) else { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let verdict: Verdict
            do {
                let link = try FileFacts.of(path, followingLinks: false)
                let target = link.isSymbolicLink ? try FileFacts.of(path, followingLinks: true) : link
                verdict = Self.verdict(target, allowedOwners: allowedOwners)
            } catch {
                verdict = .refused("cannot stat: \(error.errno)")
            }
            switch verdict {
            case .method: scan.definitions.append(ExecMethodDefinition(name: name, path: path))
            case .ignored: break
            case .refused(let reason): scan.warnings.append("exec method \(path) refused: \(reason)")
            }
        }
        return scan
    }

    /// Whether `name` names a method: `[A-Za-z0-9_][A-Za-z0-9._-]*`, and not a backup (`~`) or
    /// a package manager's file (`.dpkg-*`, `.rpm*`). Names starting with `.` fail the pattern.
    package static func isMethodName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, Self.isWordByte(first) else { return false }
        guard bytes.allSatisfy({ Self.isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            return false
        }
        return !name.hasSuffix("~") && !name.contains(".dpkg-") && !name.contains(".rpm")
    }

    /// The verdict on a file (for a symlink: its target's facts).
    package static func verdict(_ facts: FileFacts, allowedOwners: Set<UInt32>) -> Verdict {
        guard facts.isRegularFile, facts.isExecutable else { return .ignored }
        if facts.mode & 0o002 != 0 { return .refused("world-writable") }
        if facts.mode & 0o020 != 0 { return .refused("group-writable") }
        if !allowedOwners.contains(facts.ownerUID) {
            return .refused("owned by uid \(facts.ownerUID), not root or rpcd")
        }
        return .method
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
