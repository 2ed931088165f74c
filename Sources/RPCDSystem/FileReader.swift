#if canImport(Glibc)
internal import Glibc
#endif

/// Reads small files whole (config files, token files, users files), never more than a bound.
package enum FileReader {
    /// Reads at most `limit + 1` bytes of the file at `path`: enough for a caller to tell that the
    /// file is over its limit without reading a huge or endless one (`/dev/zero`) whole.
    /// - Throws: `SystemCallError` naming `open` or `read` (e.g. `ENOENT`, `EACCES`, `EISDIR`).
    package static func read(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8] {
        let descriptor = try syscall("open") { open(path, O_RDONLY | O_CLOEXEC) }
        // A failed close of a read-only descriptor loses nothing; EINTR means it is closed.
        defer { _ = close(descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        var contents: [UInt8] = []
        while contents.count <= limit {
            let wanted = min(chunk.count, limit + 1 - contents.count)
            let count = try syscall("read") { Glibc.read(descriptor, chunk.baseAddress, wanted) }
            if count == 0 {
                break
            }
            contents.append(contentsOf: chunk[..<count])
        }
        return contents
    }
}
