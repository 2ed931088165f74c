#if canImport(Glibc)
internal import Glibc
#endif

/// The signal numbers rpcd acts on, so that code above RPCDSystem needs no libc import.
package enum SignalNumber {
    package static let hangup = SIGHUP
    package static let interrupt = SIGINT
    package static let quit = SIGQUIT
    package static let abort = SIGABRT
    package static let kill = SIGKILL
    package static let user1 = SIGUSR1
    package static let user2 = SIGUSR2
    package static let terminate = SIGTERM
    package static let child = SIGCHLD
    package static let terminalStop = SIGTSTP
    package static let terminalInput = SIGTTIN
    package static let terminalOutput = SIGTTOU
}

extension ProcessControl {
    /// Restores a signal's default action (`signal(2)` with `SIG_DFL`).
    package static func setDefaultAction(_ signal: Int32) {
        // signal(2) fails only for an invalid number or SIGKILL/SIGSTOP, which rpcd never passes.
        _ = Glibc.signal(signal, SIG_DFL)
    }

    /// Ignores a signal in this process and, across exec, in its children (`SIG_IGN`).
    package static func ignore(_ signal: Int32) {
        _ = Glibc.signal(signal, SIG_IGN)
    }

    /// Ends the process now with `code` (`exit(3)`), e.g. a worker whose master is gone.
    package static func exit(_ code: Int32) -> Never {
        Glibc.exit(code)
    }

    /// Blocks the calling thread for `seconds` (`sleep(3)`): only for the test methods that
    /// imitate a handler or a loop that hangs.
    package static func blockThread(seconds: UInt32) {
        var left = seconds
        while left > 0 {
            // sleep returns the seconds left when a signal interrupts it.
            left = sleep(left)
        }
    }
}
