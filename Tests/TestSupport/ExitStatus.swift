/// How a child process ended.
public enum ExitStatus: Hashable, Sendable, CustomStringConvertible {
    /// It called `exit` with this code.
    case exited(Int32)
    /// It was killed by this signal.
    case signaled(Int32)

    /// Decodes a `waitpid` status word (the `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` macros are not
    /// imported into Swift).
    init(waitStatus status: Int32) {
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(status & 0x7f)
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
