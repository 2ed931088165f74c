#if canImport(Glibc)
import Glibc
#endif

/// How a harness reports a broken invariant: the message on stderr, then `abort()`, which libFuzzer
/// turns into a crash artifact (`crash-<sha1>`) holding the input.
enum FuzzCheck {
    /// Stops the run unless `condition` holds.
    static func require(
        _ condition: @autoclosure () -> Bool,
        _ message: @autoclosure () -> String,
        file: StaticString = #fileID,
        line: UInt = #line
    ) {
        guard !condition() else { return }
        fail(message(), file: file, line: line)
    }

    /// Stops the run: an invariant does not hold.
    static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        let text = "==fuzz== invariant failed at \(file):\(line): \(message)\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        abort()
    }

    /// `bytes` as text for a failure message, invalid UTF-8 repaired, cut to `limit` bytes.
    static func show(_ bytes: some Collection<UInt8>, limit: Int = 300) -> String {
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        return bytes.count > limit ? text + "…(\(bytes.count) bytes)" : text
    }
}
