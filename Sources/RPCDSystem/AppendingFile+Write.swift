#if canImport(Glibc)
internal import Glibc
#endif

extension AppendingFile {
    /// Writes all of `bytes` to a descriptor from ``open(_:mode:)``, retrying `EINTR` and short writes.
    ///
    /// On an O_APPEND file each `write(2)` lands whole at the end, so a caller that hands over whole lines
    /// never sees them interleaved with another process's mid-line.
    /// - Throws: `SystemCallError` naming `write` (e.g. `ENOSPC`); what was written before stays written.
    package static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = try syscall("write") { Glibc.write(descriptor, base + offset, bytes.count - offset) }
            offset += written
        }
    }
}
