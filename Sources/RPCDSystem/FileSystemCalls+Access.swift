#if canImport(Glibc)
internal import Glibc
#endif

extension FileSystemCalls {
    /// Whether anything exists at `path`, following symbolic links (`stat(2)`) when
    /// `followingLinks`, so that a dangling link counts as absent; else like ``exists(_:)``.
    package static func exists(_ path: String, followingLinks: Bool) -> Bool {
        guard followingLinks else {
            return self.exists(path)
        }
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Checks that this process may read the file at `path` (`access(2)` with `R_OK`).
    ///
    /// access(2) checks with the real ids, which are the daemon's own: rpcd is not setuid.
    /// - Throws: `SystemCallError` naming `access` (e.g. `ENOENT`, `EACCES`).
    package static func checkReadable(_ path: String) throws(SystemCallError) {
        _ = try syscall("access") { access(path, R_OK) }
    }
}
