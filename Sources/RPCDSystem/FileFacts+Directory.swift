extension FileFacts {
    /// A directory.
    package var isDirectory: Bool { self.mode & 0o170000 == 0o040000 }

    /// Whether `path` is a directory, following symlinks (a backend's working directory must be
    /// one); missing or unreachable answers false.
    package static func isDirectory(_ path: String) -> Bool {
        do throws(SystemCallError) {
            return try self.of(path, followingLinks: true).isDirectory
        } catch {
            return false
        }
    }
}
