#if canImport(Glibc)
internal import Glibc
#endif

/// Unbuffered writes to standard error: nothing waits in a stdio buffer when the process dies
/// or when stderr is the journal.
package enum StandardError {
    /// Writes `text` to fd 2 in full, retrying short writes.
    package static func write(_ text: String) {
        FileDescriptorWriter.writeAll(2, text)
    }
}

/// Unbuffered writes to standard output, for command output such as `--check-config`.
package enum StandardOutput {
    /// Writes `text` to fd 1 in full, retrying short writes.
    package static func write(_ text: String) {
        FileDescriptorWriter.writeAll(1, text)
    }
}

/// Writes whole buffers to a descriptor.
package enum FileDescriptorWriter {
    /// Writes every byte of `text`; gives up silently on errors other than `EINTR` (a closed
    /// stderr must never take the daemon down).
    package static func writeAll(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
