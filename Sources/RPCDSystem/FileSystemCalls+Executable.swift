#if canImport(Glibc)
internal import Glibc
#endif

extension FileSystemCalls {
    /// Checks that this process may execute the file at `path` (`access(2)` with `X_OK`).
    ///
    /// access(2) checks with the real ids, which are the daemon's own: rpcd is not setuid. For
    /// root it succeeds when any execute bit is set, and for a directory too: see
    /// ``isExecutableFile(_:)``.
    /// - Throws: `SystemCallError` naming `access` (e.g. `ENOENT`, `EACCES`).
    package static func checkExecutable(_ path: String) throws(SystemCallError) {
        _ = try syscall("access") { access(path, X_OK) }
    }

    /// Whether `path` is a regular file (following symlinks) this process may execute: a
    /// backend's program. Missing, unreachable and not executable all answer false.
    package static func isExecutableFile(_ path: String) -> Bool {
        do throws(SystemCallError) {
            guard try FileFacts.of(path, followingLinks: true).isRegularFile else {
                return false
            }
            try self.checkExecutable(path)
            return true
        } catch {
            return false
        }
    }
}
