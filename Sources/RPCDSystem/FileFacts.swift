internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// What the exec-method scanner checks of a file: its type, permission bits and owner.
package struct FileFacts: Sendable, Hashable {
    /// The whole `st_mode`: type and permission bits.
    package var mode: UInt32
    /// The owner's uid.
    package var ownerUID: UInt32

    /// Facts from explicit values (for tests).
    package init(mode: UInt32, ownerUID: UInt32) {
        self.mode = mode
        self.ownerUID = ownerUID
    }

    /// A regular file.
    package var isRegularFile: Bool { self.mode & 0o170000 == 0o100000 }
    /// A symbolic link (only seen when not following links).
    package var isSymbolicLink: Bool { self.mode & 0o170000 == 0o120000 }
    /// Any execute bit is set.
    package var isExecutable: Bool { self.mode & 0o111 != 0 }
    /// The group-write or world-write bit is set.
    package var isWritableByOthers: Bool { self.mode & 0o022 != 0 }

    /// The facts of `path` (`stat(2)` when `followingLinks`, else `lstat(2)`).
    /// - Throws: `SystemCallError` naming `stat` or `lstat` (`ENOENT` for a dangling link...).
    package static func of(_ path: String, followingLinks: Bool) throws(SystemCallError) -> FileFacts {
        var facts = rpcd_file_facts()
        if rpcd_file_facts(path, followingLinks ? 1 : 0, &facts) != 0 {
            throw SystemCallError(call: followingLinks ? "stat" : "lstat", errno: Errno(rawValue: errno))
        }
        return FileFacts(mode: facts.mode, ownerUID: facts.uid)
    }

    /// The names in directory `path`, without `.` and `..`, sorted.
    /// - Throws: `SystemCallError` naming `opendir` (`ENOENT`, `ENOTDIR`, `EACCES`).
    package static func directoryEntries(_ path: String) throws(SystemCallError) -> [String] {
        guard let directory = opendir(path) else {
            throw SystemCallError(call: "opendir", errno: Errno(rawValue: errno))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// This process's effective uid (the "rpcd" user exec files may also belong to).
    package static var effectiveUserID: UInt32 { geteuid() }
}
