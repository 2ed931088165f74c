internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// Starts child processes with `posix_spawn(3)`: never `fork()` without `exec` in a Swift process,
/// whose runtime is multi-threaded (DESIGN §5).
package enum ProcessSpawner {
    /// Spawns `path` with `arguments` (argv[0] included) and exactly `environment`.
    ///
    /// - Parameters:
    ///   - path: the executable; not looked up in `PATH`.
    ///   - arguments: the whole argv, argv[0] included.
    ///   - environment: the child's entire environment; nothing of ours is added.
    ///   - descriptors: `(parent, child)` pairs: each parent fd appears in the child as `child`, whether
    ///     the numbers are equal or the mapping permutes them (`[(3, 4), (4, 3)]`). Every other
    ///     close-on-exec descriptor stays out of the child; fds 0–2 are inherited as they are unless
    ///     the mapping replaces them.
    /// - Returns: the child's pid.
    /// - Throws: `SystemCallError` for `posix_spawn` with the child's `execve` error (`ENOENT`,
    ///   `EACCES`...), for `fcntl` with `EBADF` when a parent fd is not open, or for the
    ///   `posix_spawn_*` setup call that failed; `EINVAL` for a NUL byte in a string or an
    ///   environment name that is empty or contains `=`.
    ///
    /// The child starts with an empty signal mask and the default disposition for every catchable
    /// signal, whatever the spawning thread blocks or the process ignores: the master blocks
    /// signals for its `signalfd`, and neither that nor an ignored `SIGPIPE` may leak into a worker.
    package static func spawn(
        path: String,
        arguments: [String],
        environment: [String: String],
        descriptors: [(parent: Int32, child: Int32)]
    ) throws(SystemCallError) -> Int32 {
        let environmentEntries = try Self.environmentEntries(environment)
        guard !path.utf8.contains(0), !arguments.contains(where: { $0.utf8.contains(0) }) else {
            // A C string would silently end at the NUL: refuse rather than run something else.
            throw SystemCallError(call: "posix_spawn", errno: .invalidArgument)
        }

        // The file actions run in order in the child, so a naive dup2(3, 4) followed by
        // dup2(4, 3) would hand out the same file twice, and dup2(5, 5) is a no-op that leaves
        // close-on-exec set. Duplicate every source first to a fresh fd above every target
        // number: no action can then overwrite a source still to be read, and each dup2 is onto a
        // different number, which clears close-on-exec on the target. The temporaries are
        // close-on-exec themselves (F_DUPFD_CLOEXEC, so a concurrent spawn on another thread never
        // inherits them) and disappear from the child at exec; the parent closes them below.
        let lowestTemporary = (descriptors.map { $0.child }.max() ?? 2) + 1
        var temporaries: [Int32] = []
        temporaries.reserveCapacity(descriptors.count)
        defer {
            for temporary in temporaries {
                SocketCalls.close(temporary)
            }
        }
        for pair in descriptors {
            guard pair.child >= 0 else {
                throw SystemCallError(call: "posix_spawn_file_actions_adddup2", errno: .badFileDescriptor)
            }
            let temporary = try syscall("fcntl") { fcntl(pair.parent, F_DUPFD_CLOEXEC, max(lowestTemporary, 3)) }
            temporaries.append(temporary)
        }

        var fileActions = posix_spawn_file_actions_t()
        try Self.check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(&fileActions))
        defer { _ = posix_spawn_file_actions_destroy(&fileActions) }
        for (pair, temporary) in zip(descriptors, temporaries) {
            try Self.check(
                "posix_spawn_file_actions_adddup2",
                posix_spawn_file_actions_adddup2(&fileActions, temporary, pair.child)
            )
        }
        // Not every library marks its descriptors close-on-exec (SwiftNIO's sockets are not), so
        // the child closes everything above the ones it was given: a worker must never hold an
        // admin connection or another worker's socket open.
        let firstUnmapped = max(3, (descriptors.map(\.child).max() ?? 2) + 1)
        try Self.check("posix_spawn_file_actions_addclosefrom_np", rpcd_spawn_close_from(&fileActions, firstUnmapped))

        var attributes = posix_spawnattr_t()
        try Self.check("posix_spawnattr_init", posix_spawnattr_init(&attributes))
        defer { _ = posix_spawnattr_destroy(&attributes) }
        // The mask is inherited from the calling thread across exec: start from an empty one.
        var emptyMask = sigset_t()
        _ = sigemptyset(&emptyMask)
        try Self.check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(&attributes, &emptyMask))
        // Ignored signals stay ignored across exec (handled ones revert by themselves): reset all.
        // Not with sigfillset: it leaves out glibc's internal signals 32 and 33, which glibc's
        // posix_spawn then sets to SIG_IGN in the child unless they are in this set, an ignore
        // that exec keeps. sigaddset refuses them too, so set the bits of the kernel's 64 signals
        // directly (signal n is bit n - 1 of the first 64 bits; posix_spawnattr_setsigdefault
        // copies the set as is). The child has its own handler table, so this never touches ours.
        var defaultSignals = sigset_t()
        _ = sigemptyset(&defaultSignals)
        withUnsafeMutableBytes(of: &defaultSignals) { raw in
            raw.storeBytes(of: UInt64.max, toByteOffset: 0, as: UInt64.self)
        }
        // SIGKILL and SIGSTOP cannot be changed; leave them out rather than have sigaction fail.
        _ = sigdelset(&defaultSignals, SIGKILL)
        _ = sigdelset(&defaultSignals, SIGSTOP)
        try Self.check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(&attributes, &defaultSignals))
        try Self.check(
            "posix_spawnattr_setflags",
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        )

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentEntries.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        guard !argv.dropLast().contains(nil), !envp.dropLast().contains(nil) else {
            throw SystemCallError(call: "strdup", errno: .noMemory)
        }

        var pid: pid_t = 0
        // posix_spawn returns the error number instead of setting errno. glibc spawns with
        // CLONE_VFORK and reports the child's execve failure here, so a bad path fails now, not as
        // an exit code 127 later.
        try Self.check("posix_spawn", posix_spawn(&pid, path, &fileActions, &attributes, argv, envp))
        return pid
    }

    /// `NAME=value` strings sorted by name, so a child's environment does not depend on hashing.
    private static func environmentEntries(_ environment: [String: String]) throws(SystemCallError) -> [String] {
        var entries: [String] = []
        entries.reserveCapacity(environment.count)
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            // An `=` in the name would make the entry define a different variable.
            guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "=")), !name.utf8.contains(0),
                !value.utf8.contains(0)
            else {
                throw SystemCallError(call: "posix_spawn", errno: .invalidArgument)
            }
            entries.append("\(name)=\(value)")
        }
        return entries
    }

    /// Turns a `posix_spawn*` result (0 or an error number, never -1 with errno) into a throw.
    private static func check(_ call: StaticString, _ result: Int32) throws(SystemCallError) {
        if result != 0 {
            throw SystemCallError(call: call, errno: Errno(rawValue: result))
        }
    }
}
