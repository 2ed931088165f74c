internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// Operations on the children the master spawned.
package enum ChildProcesses {
    /// Reaps every exited child without blocking (`waitpid(-1, WNOHANG)` until none is left).
    ///
    /// It reaps *any* child of the process, whichever thread spawned it: call it only where every
    /// child is ours to account for (the master, on `SIGCHLD`).
    /// - Returns: the reaped children in the order the kernel gave them; empty when none had exited.
    package static func reapExited() -> [(pid: Int32, status: ExitStatus)] {
        var reaped: [(pid: Int32, status: ExitStatus)] = []
        while true {
            var rawStatus: Int32 = 0
            let pid: Int32
            do {
                // WNOHANG: 0 means children remain but none has exited; the wrapper retries EINTR.
                pid = try syscall("waitpid") { waitpid(-1, &rawStatus, WNOHANG) }
            } catch {
                // ECHILD: no children at all, the normal end. EINVAL cannot happen with these
                // arguments; stopping is the only sensible reaction to either.
                break
            }
            if pid == 0 {
                break
            }
            // Without WUNTRACED/WCONTINUED waitpid only reports exits and deaths by signal.
            if let status = ExitStatus(waitStatus: rawStatus) {
                reaped.append((pid: pid, status: status))
            }
        }
        return reaped
    }

    /// Sends `signal` to the process `pid` (`kill(2)`); signal 0 only checks that it exists.
    ///
    /// - Returns: false when no such process exists (`ESRCH`: it has already exited and been reaped).
    /// - Throws: `SystemCallError` for `kill`: `EPERM`, `EINVAL` for a bad signal, and `EINVAL` for
    ///   `pid` ≤ 0, which `kill(2)` would take as a process group or "every process we may signal".
    @discardableResult
    package static func signal(_ pid: Int32, _ signal: Int32) throws(SystemCallError) -> Bool {
        // A zero or negative pid from a bookkeeping bug must never turn into a group-wide kill.
        guard pid > 0 else {
            throw SystemCallError(call: "kill", errno: .invalidArgument)
        }
        do {
            _ = try syscall("kill") { kill(pid, signal) }
            return true
        } catch  where error.errno == .noSuchProcess {
            return false
        }
    }

    /// The resident set size of process `pid` in bytes: the second field of `/proc/PID/statm`
    /// (in pages) times the page size; nil when the process is gone or the file is unreadable.
    /// A zombie reads as 0.
    package static func residentBytes(_ pid: Int32) -> Int? {
        guard pid > 0, let text = Self.readSmallFile("/proc/\(pid)/statm") else {
            return nil
        }
        // "size resident shared text lib data dt", all in pages.
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else {
            return nil
        }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A small file (a `/proc` entry) read whole as text, or nil when it cannot be opened or read.
    private static func readSmallFile(_ path: String) -> String? {
        let descriptor: Int32
        do {
            // O_CLOEXEC: a spawn on another thread must not inherit this descriptor.
            descriptor = try syscall("open") { open(path, O_RDONLY | O_CLOEXEC) }
        } catch {
            // ENOENT: the process is gone, which is the answer, not a failure.
            return nil
        }
        defer { SocketCalls.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { buffer throws(SystemCallError) in
                    try syscall("read") { read(descriptor, buffer.baseAddress, buffer.count) }
                }
            } catch {
                // ESRCH: the process exited between open and read; it is gone too.
                return nil
            }
            if count == 0 {
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
