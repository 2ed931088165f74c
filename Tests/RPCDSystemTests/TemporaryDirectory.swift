#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp for socket files, removed with its entries by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        // Short on purpose: a unix socket path must fit in 107 bytes.
        var template = Array("/tmp/rpcd-sys-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else {
            throw SystemCallErrorForTests.mkdtemp(errno)
        }
        self.path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes the directory's entries (one level) and the directory.
    func remove() {
        if let directory = opendir(self.path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." {
                    _ = unlink("\(self.path)/\(name)")
                }
            }
            _ = closedir(directory)
        }
        _ = rmdir(self.path)
    }
}

enum SystemCallErrorForTests: Error {
    case mkdtemp(Int32)
}
