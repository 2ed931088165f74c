#if canImport(Glibc)
internal import Glibc
#endif

/// Collecting one known child without blocking: a long-lived process (a backend instance) that
/// exits while a forked child of its own keeps its stdout open gives no end of file, so its parent
/// asks the kernel now and then (DESIGN §10.2).
package enum ChildReaping {
    /// Collects `pid` if it has exited (`waitpid(pid, WNOHANG)`).
    /// - Returns: how it ended, or nil while it runs. A child already collected elsewhere (`ECHILD`,
    ///   e.g. by a master's `waitpid(-1)`) reads as `.exited(0)`: it is gone, and its status is lost.
    package static func collectIfExited(_ pid: Int32) -> ExitStatus? {
        guard pid > 0 else { return nil }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return ExitStatus(waitStatus: status) }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return .exited(0)
        }
    }
}
