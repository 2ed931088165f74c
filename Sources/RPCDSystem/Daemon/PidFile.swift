internal import Synchronization
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// A locked pidfile (DESIGN §5): opened `O_CLOEXEC|O_NOFOLLOW`, `flock`ed for the process's
/// lifetime, written after the lock, removed at a clean exit only while it still holds our pid.
///
/// The lock, not the file's presence, says whether rpcd runs: a pidfile left by a killed daemon
/// is unlocked, so the next start reclaims it.
package final class PidFile: Sendable {
    /// The pidfile's path.
    package let path: String
    private let descriptor: Int32
    private let removed = Atomic<Bool>(false)

    /// Creates (or reclaims) and locks the pidfile at `path`, creating its directory, and writes
    /// this process's pid into it.
    /// - Throws: `PidFileError` with the running instance's pid when another process holds the
    ///   lock, or the failing call otherwise.
    package init(path: String) throws(PidFileError) {
        self.path = path
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try? FileSystemCalls.makeDirectories(String(path[..<slash]), mode: 0o755)
        }
        let descriptor: Int32
        do {
            // O_NOFOLLOW: a symlink planted at the path cannot redirect the write as root.
            descriptor = try syscall("open") {
                open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            }
        } catch {
            throw PidFileError(code: .cannotOpen, message: "cannot open pidfile \(path): \(error.errno)")
        }
        do {
            _ = try syscall("flock") { flock(descriptor, LOCK_EX | LOCK_NB) }
        } catch {
            let holder = Self.readPID(descriptor)
            _ = close(descriptor)
            if error.errno == .wouldBlock {
                let who = holder.map { "pid \($0)" } ?? "another process"
                throw PidFileError(
                    code: .alreadyRunning,
                    message: "rpcd is already running (\(who), pidfile \(path))",
                    runningPID: holder
                )
            }
            throw PidFileError(code: .cannotOpen, message: "cannot lock pidfile \(path): \(error.errno)")
        }
        self.descriptor = descriptor
        do throws(SystemCallError) {
            _ = try syscall("ftruncate") { ftruncate(descriptor, 0) }
            let text = Array("\(getpid())\n".utf8)
            let written = try syscall("pwrite") {
                text.withUnsafeBytes { bytes in pwrite(descriptor, bytes.baseAddress, bytes.count, 0) }
            }
            guard written == text.count else {
                throw SystemCallError(call: "pwrite", errno: .ioError)
            }
        } catch {
            _ = close(descriptor)
            throw PidFileError(code: .cannotOpen, message: "cannot write pidfile \(path): \(error.errno)")
        }
    }

    /// Removes the file if it still names this process (a newer instance may have replaced it),
    /// then releases the lock. Only the first call does anything.
    package func remove() {
        guard !self.removed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if Self.readPID(self.descriptor) == getpid() {
            try? FileSystemCalls.removeIfPresent(self.path)
        }
        _ = close(self.descriptor)
    }

    /// The pid written in a pidfile, if any.
    package static func readPID(atPath path: String) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            return nil
        }
        defer { _ = close(descriptor) }
        return Self.readPID(descriptor)
    }

    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            return nil
        }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
        return Int32(text.trimmingWhitespace())
    }
}

/// A pidfile that could not be taken.
package struct PidFileError: Error, Sendable, CustomStringConvertible {
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Another live process holds the lock.
        package static let alreadyRunning = Code("alreadyRunning")
        /// The file could not be opened, locked or written.
        package static let cannotOpen = Code("cannotOpen")
    }

    package var code: Code
    package var message: String
    /// The pid of the instance holding the lock, when it wrote one.
    package var runningPID: Int32?

    package init(code: Code, message: String, runningPID: Int32? = nil) {
        self.code = code
        self.message = message
        self.runningPID = runningPID
    }

    package var description: String { self.message }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else {
            return ""
        }
        return Substring(scalars[first...last])
    }
}
