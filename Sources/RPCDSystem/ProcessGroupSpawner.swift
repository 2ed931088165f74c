internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// Starts a short-lived child in a process group of its own, with `SIGKILL` as its parent-death
/// signal: what exec methods (and later backend instances) need and `ProcessSpawner` cannot give,
/// since `posix_spawn` has no way to call `prctl(PR_SET_PDEATHSIG)` in the child (DESIGN §10.1).
///
/// The spawn is a `vfork` in `CLinux`'s shim (`rpcd_spawn_in_group`): the child only makes
/// async-signal-safe calls before `execve`, with every signal blocked around the `vfork`, so it is
/// as safe in a multi-threaded Swift process as glibc's own `posix_spawn`, which is also a vfork.
package enum ProcessGroupSpawner {
    /// Spawns `path` (argv = `[path] + arguments`, no shell) with exactly `environment`, cwd `directory`, and
    /// the three descriptors as its stdin, stdout and stderr; every other descriptor is closed in
    /// the child. The child leads a new process group whose id is its pid.
    /// - Parameters:
    ///   - arguments: argv[1...]; argv[0] is always `path` (exec methods take none, backends their `COMMAND`'s words).
    ///   - environment: `NAME=value` entries, passed as they are.
    /// - Returns: the child's pid (= its process group id).
    /// - Throws: `SystemCallError` naming `execve` with the child's error (`ENOENT`, `EACCES`,
    ///   `ENOEXEC`, a failed `chdir`...), `vfork` when no child could be made, or `EINVAL` for a
    ///   NUL byte in a string.
    package static func spawn(
        path: String,
        arguments: [String] = [],
        environment: [String],
        directory: String,
        standardInput: Int32,
        standardOutput: Int32,
        standardError: Int32
    ) throws(SystemCallError) -> Int32 {
        guard !path.utf8.contains(0), !directory.utf8.contains(0),
            !environment.contains(where: { $0.utf8.contains(0) }),
            !arguments.contains(where: { $0.utf8.contains(0) })
        else {
            throw SystemCallError(call: "execve", errno: .invalidArgument)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        guard !argv.dropLast().contains(nil), !envp.dropLast().contains(nil) else {
            throw SystemCallError(call: "strdup", errno: .noMemory)
        }
        let pid = rpcd_spawn_in_group(path, argv, envp, directory, standardInput, standardOutput, standardError)
        guard pid > 0 else {
            throw SystemCallError(call: "execve", errno: Errno(rawValue: errno))
        }
        return pid
    }

    /// Sends `signal` to every process of the group `group` (`kill(-group, signal)`).
    /// - Returns: false when the group has no process left (`ESRCH`).
    @discardableResult
    package static func signalGroup(_ group: Int32, _ signal: Int32) -> Bool {
        // A zero or negative id from a bookkeeping bug must never turn into a kill of our own group.
        guard group > 1 else { return false }
        return kill(-group, signal) == 0
    }
}
