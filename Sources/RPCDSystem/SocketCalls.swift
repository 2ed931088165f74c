internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// The socket calls the master makes itself: listeners it hands to workers, control socketpairs,
/// admin-socket checks. Every descriptor is created close-on-exec, so a worker only ever gets
/// what `ProcessSpawner` maps into it.
package enum SocketCalls {
    /// An `AF_UNIX` `SOCK_STREAM` socketpair, both ends close-on-exec.
    package static func streamPair() throws(SystemCallError) -> (Int32, Int32) {
        var descriptors: [Int32] = [-1, -1]
        // SOCK_CLOEXEC sets the flag atomically: a spawn on another thread between socketpair and
        // a later fcntl would leak the pair into that child.
        _ = try syscall("socketpair") {
            socketpair(AF_UNIX, Self.streamType(), 0, &descriptors)
        }
        return (descriptors[0], descriptors[1])
    }

    /// Closes `descriptor` once (`close(2)`).
    ///
    /// An interrupted close is not retried: Linux has released the descriptor already, and the
    /// number may belong to a descriptor another thread has just opened. Other errors (`EIO`)
    /// leave nothing to do; `EBADF` is a bookkeeping bug (a double close) and asserts in debug builds.
    package static func close(_ descriptor: Int32) {
        if Glibc.close(descriptor) == -1 {
            let code = Glibc.errno
            assert(code != EBADF, "close(\(descriptor)): not an open descriptor (closed twice?)")
        }
    }

    // MARK: - Shared by the extensions

    /// `SOCK_STREAM | SOCK_CLOEXEC` as `socket(2)` takes it (Glibc imports both as an enum).
    static func streamType() -> Int32 {
        Int32(bitPattern: SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
    }

    static func setIntegerOption(
        _ descriptor: Int32,
        _ level: Int32,
        _ name: Int32,
        _ value: Int32
    ) throws(SystemCallError) {
        var value = value
        _ = try syscall("setsockopt") {
            setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    static func integerOption(
        _ descriptor: Int32,
        _ level: Int32,
        _ name: Int32
    ) throws(SystemCallError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try syscall("getsockopt") { getsockopt(descriptor, level, name, &value, &length) }
        return value
    }
}
