#if canImport(Glibc)
internal import Glibc
#endif

/// File-system calls the daemon needs on socket and pid files.
package enum FileSystemCalls {
    /// Sets a path's permission bits (`chmod(2)`).
    package static func setMode(_ path: String, _ mode: UInt16) throws(SystemCallError) {
        _ = try syscall("chmod") { chmod(path, mode_t(mode)) }
    }

    /// Removes a file; a path that is already gone is not an error (`unlink(2)`).
    package static func removeIfPresent(_ path: String) throws(SystemCallError) {
        do {
            _ = try syscall("unlink") { unlink(path) }
        } catch  where error.errno == .noSuchFileOrDirectory {
            return
        }
    }

    /// Whether `path` names a unix socket node (`lstat(2)`); false when it does not exist.
    package static func isSocket(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFSOCK
    }

    /// Whether anything exists at `path`, links included.
    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

extension FileSystemCalls {
    /// Creates `path` and any missing parents with `mode` (`mkdir -p`); existing directories are fine.
    package static func makeDirectories(_ path: String, mode: UInt16) throws(SystemCallError) {
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            do {
                _ = try syscall("mkdir") { mkdir(prefix, mode_t(mode)) }
            } catch  where error.errno == .fileExists {
                continue
            }
        }
    }

    /// Sets the group owning `path` (`chown(path, -1, gid)`).
    package static func setGroup(_ path: String, _ gid: UInt32) throws(SystemCallError) {
        _ = try syscall("chown") { chown(path, uid_t.max, gid) }
    }
}

/// Descriptor flags.
package enum DescriptorFlags {
    /// Marks every open descriptor from `first` up close-on-exec (listed from `/proc/self/fd`):
    /// not every library opens its descriptors that way (libdispatch's epoll, SwiftNIO's sockets).
    package static func setCloseOnExecOnAll(from first: Int32) {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let descriptor = Int32(name), descriptor >= first {
                descriptors.append(descriptor)
            }
        }
        let own = dirfd(directory)
        for descriptor in descriptors where descriptor != own {
            try? Self.setCloseOnExec(descriptor)
        }
    }

    /// Marks `descriptor` close-on-exec (`fcntl(F_SETFD)`), e.g. one inherited across exec on purpose.
    package static func setCloseOnExec(_ descriptor: Int32) throws(SystemCallError) {
        let flags = try syscall("fcntl") { fcntl(descriptor, F_GETFD) }
        _ = try syscall("fcntl") { fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
    }
}
