internal import CLinux

/// How a child ended.
package enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The child called `exit` (or returned from `main`) with this code.
    case exited(Int32)
    /// The child was killed by this signal, possibly leaving a core dump.
    case signaled(Int32, coreDumped: Bool)

    /// Decodes a `waitpid(2)` status word; nil for a stopped or continued child, which only
    /// `WUNTRACED`/`WCONTINUED` waits report.
    package init?(waitStatus status: Int32) {
        // The WIF* macros are not importable; the shim runs glibc's own definitions.
        if rpcd_wifexited(status) != 0 {
            self = .exited(rpcd_wexitstatus(status))
        } else if rpcd_wifsignaled(status) != 0 {
            self = .signaled(rpcd_wtermsig(status), coreDumped: rpcd_wcoredump(status) != 0)
        } else {
            return nil
        }
    }

    /// `exit code 1`, `signal SIGKILL`, `signal SIGABRT (core dumped)`.
    package var description: String {
        switch self {
        case .exited(let code):
            "exit code \(code)"
        case .signaled(let number, let coreDumped):
            coreDumped ? "signal \(SignalName.of(number)) (core dumped)" : "signal \(SignalName.of(number))"
        }
    }
}
