package import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// Runs a raw system call, retrying on `EINTR` and turning `-1` into a typed `Errno`.
///
/// Never use it for `close(2)`: on Linux an interrupted close has already released the
/// descriptor, and retrying could close a descriptor another thread just opened.
@inline(__always)
package func syscall<Result: FixedWidthInteger>(
    _ name: StaticString,
    _ body: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        if result != -1 {
            return result
        }
        let code = errno
        if code == EINTR {
            continue
        }
        throw SystemCallError(call: name, errno: Errno(rawValue: code))
    }
}

/// A failed system call: which call, and the `errno` it set.
package struct SystemCallError: Error, Sendable, CustomStringConvertible {
    /// The name of the failing call, e.g. `"bind"`.
    package var call: StaticString
    /// The error number the call set.
    package var errno: Errno

    package init(call: StaticString, errno: Errno) {
        self.call = call
        self.errno = errno
    }

    package var description: String {
        "\(self.call): \(self.errno)"
    }
}
