internal import CSystemd
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// Native journal entries (`sd_journal_sendv(3)`): structured fields, one entry per record,
/// multi-line messages kept whole.
package enum SystemdJournal {
    /// Sends one entry made of `fields`, each a valid field name and its value.
    /// - Throws: `SystemCallError` when journald cannot be reached (no socket, not running).
    package static func send(_ fields: [(name: String, value: String)]) throws(SystemCallError) {
        // Each iovec holds one "NAME=value"; values may contain newlines and any bytes, which
        // sd_journal_sendv serialises safely.
        var assignments: [[UInt8]] = fields.map { Array("\($0.name)=\($0.value)".utf8) }
        let result = assignments.withUnsafeMutableBufferPointer { buffers -> Int32 in
            var vectors: [iovec] = []
            vectors.reserveCapacity(buffers.count)
            for index in buffers.indices {
                buffers[index].withUnsafeMutableBytes { bytes in
                    vectors.append(iovec(iov_base: bytes.baseAddress, iov_len: bytes.count))
                }
            }
            // The pointers stay valid: each array's storage is neither copied nor freed before
            // the call returns (the outer buffer pins them).
            return sd_journal_sendv(vectors, Int32(vectors.count))
        }
        if result < 0 {
            throw SystemCallError(call: "sd_journal_sendv", errno: Errno(rawValue: -result))
        }
    }

    /// A valid journal field name for a swift-log metadata key: `rpc.method` → `RPC_METHOD`.
    ///
    /// journald silently drops a field whose name is not `[A-Z0-9_]`, starts with `_` (trusted
    /// fields) or a digit, or is longer than 64 bytes. Letters are upper-cased, anything else
    /// becomes `_`, leading underscores go, and a name left empty or starting with a digit gets
    /// an `F_` prefix.
    package static func fieldName(for key: String) -> String {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "A"..."Z", "0"..."9":
                name.unicodeScalars.append(scalar)
            case "a"..."z":
                name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            default:
                name.append("_")
            }
        }
        while name.hasPrefix("_") {
            name.removeFirst()
        }
        if name.isEmpty || name.first!.isNumber {
            name = "F_" + name
        }
        return String(name.prefix(64))
    }

    /// Whether standard error is connected to the journal: `JOURNAL_STREAM` (set by systemd for
    /// a unit's stdout/stderr) names stderr's device and inode. A child that inherited the
    /// variable but not the stream (output redirected) gets `false`.
    package static var standardErrorIsJournal: Bool {
        guard let value = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else {
            return false
        }
        var facts = stat()
        guard fstat(STDERR_FILENO, &facts) == 0 else {
            return false
        }
        return value == "\(facts.st_dev):\(facts.st_ino)"
    }

    /// Whether journald's native socket exists, for choosing a log target without a terminal.
    package static var isAvailable: Bool {
        access("/run/systemd/journal/socket", F_OK) == 0
    }
}
