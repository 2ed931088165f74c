#if canImport(Glibc)
internal import Glibc
#endif

/// Files written only at their end, such as log files, as raw descriptors.
package enum AppendingFile {
    /// Opens (creating it with `mode` if needed) the file at `path` for appending, close-on-exec.
    /// - Throws: `SystemCallError` naming `open` (e.g. `ENOENT` for a missing directory, `EACCES`).
    package static func open(_ path: String, mode: UInt16) throws(SystemCallError) -> Int32 {
        // O_APPEND: every write lands at the end, even with other writers (other processes,
        // logrotate's copytruncate).
        try syscall("open") { Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode_t(mode)) }
    }

    /// Closes a descriptor from ``open(_:mode:)``.
    package static func close(_ descriptor: Int32) {
        // Not retried: on Linux an interrupted close has released the descriptor anyway, and a
        // failed close of an appended file has nothing left to report to.
        _ = Glibc.close(descriptor)
    }
}
