internal import CLinux

#if canImport(Glibc)
internal import Glibc
#endif

/// Settings of the calling process that a worker makes about its own lifetime.
package enum ProcessControl {
    /// Asks the kernel to send `signal` to this process when its parent thread dies
    /// (`prctl(PR_SET_PDEATHSIG)`); 0 clears it.
    ///
    /// The kernel tracks the parent *thread* that spawned us, not the parent process, and the
    /// setting is cleared by a set-user-ID exec. Check `parentPID` right after setting it: a
    /// parent that died before the call is not signalled for.
    /// - Throws: `SystemCallError` for `prctl`, e.g. `EINVAL` for an invalid signal number.
    package static func setParentDeathSignal(_ signal: Int32) throws(SystemCallError) {
        // prctl is variadic in C; the shim passes the unused arguments as 0 as the man page asks.
        _ = try syscall("prctl") { rpcd_set_parent_death_signal(signal) }
    }

    /// The signal set by `setParentDeathSignal(_:)`, 0 when none (`prctl(PR_GET_PDEATHSIG)`).
    package static var parentDeathSignal: Int32 {
        get throws(SystemCallError) {
            var signal: Int32 = 0
            _ = try syscall("prctl") { rpcd_get_parent_death_signal(&signal) }
            return signal
        }
    }

    /// The parent's pid (`getppid(2)`, which cannot fail); 1 or a subreaper's pid once the
    /// parent has died.
    package static var parentPID: Int32 { getppid() }

    /// Names the calling thread (the process, when called from the main thread) as `ps`, `top`
    /// and `pkill` show it (`prctl(PR_SET_NAME)`, at most 15 bytes).
    package static func setName(_ name: String) throws(SystemCallError) {
        _ = try syscall("prctl") { rpcd_set_process_name(name) }
    }
}
