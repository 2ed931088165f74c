internal import CLinux
internal import Synchronization
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// The classic SysV daemon start-up of daemon(7): fork, `setsid`, fork again, and report
/// readiness to the original process through a pipe.
///
/// Must run before any thread exists: `fork` copies only the calling thread, so a lock held by
/// another thread (Dispatch, NIO, the Swift runtime's allocator) would stay locked forever in the
/// child. `DaemonLauncher` calls it right after parsing arguments and loading the configuration.
package enum Daemonization {
    /// Detaches from the terminal and the caller's session. Returns only in the daemon process;
    /// the original process waits for `ReadinessPipe.ready()` (exit 0) or `failed(_:)` (exit
    /// non-zero, printing the daemon's message), and the intermediate process exits at once.
    /// - Parameter keep: descriptors above 2 to keep open (systemd's sockets under `Type=forking`).
    /// - Throws: `SystemCallError` when a step fails before the first fork (the caller still has
    ///   its terminal and prints it).
    package static func detach(keeping keep: Set<Int32>) throws(SystemCallError) -> ReadinessPipe {
        Self.closeInheritedDescriptors(keeping: keep)
        Self.resetSignals()
        Self.sanitiseEnvironment()

        var ends: [Int32] = [-1, -1]
        _ = try syscall("pipe2") { rpcd_pipe_cloexec(&ends) }
        let (readEnd, writeEnd) = (ends[0], ends[1])

        let first = try syscall("fork") { fork() }
        if first > 0 {
            _ = close(writeEnd)
            Self.waitForDaemon(readEnd, intermediate: first)
        }
        _ = close(readEnd)
        // The first child: a new session, so no controlling terminal; then a second fork, so
        // the daemon is no session leader and can never acquire a terminal again.
        if setsid() == -1 {
            ReadinessPipe(writeEnd).failed("setsid: \(Errno(rawValue: errno))", exitCode: 1)
            _exit(1)
        }
        let second = fork()
        if second == -1 {
            ReadinessPipe(writeEnd).failed("fork: \(Errno(rawValue: errno))", exitCode: 1)
            _exit(1)
        }
        if second > 0 {
            _exit(0)
        }
        // The daemon. A deliberate umask: files rpcd creates are explicit about their modes
        // anyway (the admin socket 0600, log files 0640); 022 keeps anything else from being
        // group- or world-writable.
        umask(0o022)
        _ = chdir("/")
        Self.redirectStandardStreamsToDevNull()
        return ReadinessPipe(writeEnd)
    }

    /// The original process: waits for the daemon's word, then exits with it.
    private static func waitForDaemon(_ readEnd: Int32, intermediate: pid_t) -> Never {
        var status: Int32 = 0
        while waitpid(intermediate, &status, 0) == -1 && errno == EINTR {}
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 {
                received += buffer.prefix(count)
                continue
            }
            if count == -1 && errno == EINTR {
                continue
            }
            break
        }
        let text = String(decoding: received, as: UTF8.self)
        if text.hasPrefix(ReadinessPipe.readyWord) {
            exit(0)
        }
        if text.hasPrefix(ReadinessPipe.failedWord) {
            // "FAILED <code> <message>"
            let rest = text.dropFirst(ReadinessPipe.failedWord.count).drop { $0 == " " }
            let codeText = rest.prefix { $0 != " " }
            let message = rest.dropFirst(codeText.count).drop { $0 == " " }
            StandardError.write("rpcd: \(message.trimmingSuffix("\n"))\n")
            exit(Int32(codeText) ?? 1)
        }
        StandardError.write("rpcd: the daemon exited during start-up without a word (see its log)\n")
        exit(1)
    }

    /// Closes every descriptor above 2 except `keep`: nothing the caller opened leaks into a
    /// process that lives for months.
    private static func closeInheritedDescriptors(keeping keep: Set<Int32>) {
        var open: [Int32] = []
        if let directory = opendir("/proc/self/fd") {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let descriptor = Int32(name) {
                    open.append(descriptor)
                }
            }
            let listing = dirfd(directory)
            closedir(directory)
            open.removeAll { $0 == listing }
        }
        for descriptor in open where descriptor > 2 && !keep.contains(descriptor) {
            _ = close(descriptor)
        }
    }

    /// Default dispositions and an empty mask: the invoking shell may have ignored or blocked
    /// signals, and both survive exec and fork.
    private static func resetSignals() {
        for number in 1..<Int32(65) where number != SIGKILL && number != SIGSTOP {
            signal(number, SIG_DFL)
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
    }

    /// Removes what describes the caller's session and could mislead the daemon: systemd's
    /// per-process variables (read already) and the journal stream (stderr becomes /dev/null).
    private static func sanitiseEnvironment() {
        for name in [
            "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
            "JOURNAL_STREAM",
        ] {
            unsetenv(name)
        }
    }

    private static func redirectStandardStreamsToDevNull() {
        let null = open("/dev/null", O_RDWR)
        guard null >= 0 else {
            return
        }
        for target in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            _ = dup2(null, target)
        }
        if null > STDERR_FILENO {
            _ = close(null)
        }
    }
}

/// The daemon's end of the readiness pipe: one word to the waiting original process.
package final class ReadinessPipe: Sendable {
    static let readyWord = "READY"
    static let failedWord = "FAILED"
    private let descriptor: Int32
    private let sent = Atomic<Bool>(false)
    private let beforeFailure = Mutex<(@Sendable () -> Void)?>(nil)

    init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Serving: the original process exits 0.
    package func ready() {
        self.send("\(Self.readyWord)\n")
    }

    /// Sets what must be undone before the original process hears of a failure (the pidfile):
    /// it exits at once then, and whoever started it may look at once.
    package func beforeFailing(_ cleanup: @escaping @Sendable () -> Void) {
        self.beforeFailure.withLock { $0 = cleanup }
    }

    /// Start-up failed: the original process prints `message` and exits `exitCode`.
    package func failed(_ message: String, exitCode: Int32) {
        self.beforeFailure.withLock { $0 }?()
        let oneLine = String(message.map { $0.isNewline ? " " : $0 })
        self.send("\(Self.failedWord) \(exitCode) \(oneLine)\n")
    }

    private func send(_ text: String) {
        // One word only: the first one ends the original process's wait.
        guard !self.sent.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        FileDescriptorWriter.writeAll(self.descriptor, text)
        _ = close(self.descriptor)
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        self.hasSuffix(suffix) ? self.dropLast(suffix.count) : self
    }
}
