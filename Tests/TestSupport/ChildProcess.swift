import Foundation
import Glibc
import Synchronization

/// A process spawned with `posix_spawn`, whose stdout and stderr are collected by background
/// threads and whose exit is reaped by another, so that tests can wait on either with a timeout.
///
/// Every descriptor it creates is close-on-exec, so a child never inherits another test's pipes
/// or sockets. The child gets default signal dispositions and an empty signal mask whatever the
/// spawning thread had.
final class ChildProcess: @unchecked Sendable {
    /// The child's pid.
    let pid: pid_t

    // Everything below is guarded by `condition`, which is broadcast on every change.
    private let condition = NSCondition()
    private var stdoutBytes: [UInt8] = []
    private var stderrBytes: [UInt8] = []
    private var stderrLines: [String] = []
    private var stderrLineStart = 0
    private var openStreams = 2
    private var isZombie = false
    private var status: ExitStatus?

    private let stdoutDescriptor: Int32
    private let stderrDescriptor: Int32

    private init(pid: pid_t, stdoutDescriptor: Int32, stderrDescriptor: Int32) {
        self.pid = pid
        self.stdoutDescriptor = stdoutDescriptor
        self.stderrDescriptor = stderrDescriptor
    }

    /// Spawns `executable` with exactly `arguments` and `environment`; stdin is `/dev/null`.
    static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String]
    ) throws -> ChildProcess {
        let child = try Self.spawnLock.withLock { _ in
            try Self.spawnLocked(executable: executable, arguments: arguments, environment: environment)
        }
        Thread.detachNewThread { child.collect(from: child.stdoutDescriptor, isStderr: false) }
        Thread.detachNewThread { child.collect(from: child.stderrDescriptor, isStderr: true) }
        Thread.detachNewThread { child.reap() }
        return child
    }

    /// Held while pipes are created and children spawned, see ``makePipe()``.
    private static let spawnLock = Mutex(())

    private static func spawnLocked(
        executable: String,
        arguments: [String],
        environment: [String: String]
    ) throws -> ChildProcess {
        let stdoutPipe = try Self.makePipe()
        let stderrPipe: (read: Int32, write: Int32)
        do {
            stderrPipe = try Self.makePipe()
        } catch {
            close(stdoutPipe.read)
            close(stdoutPipe.write)
            throw error
        }

        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        // dup2 clears close-on-exec on the target, so only fds 0, 1 and 2 reach the child.
        posix_spawn_file_actions_adddup2(&fileActions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&fileActions, stderrPipe.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, envp)
        close(stdoutPipe.write)
        close(stderrPipe.write)
        guard result == 0 else {
            close(stdoutPipe.read)
            close(stderrPipe.read)
            throw TestSupportError(.systemCall, "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }

        return ChildProcess(pid: pid, stdoutDescriptor: stdoutPipe.read, stderrDescriptor: stderrPipe.read)
    }

    /// Everything the child wrote to stdout so far.
    var stdout: [UInt8] {
        self.condition.withLock { self.stdoutBytes }
    }

    /// Everything the child wrote to stderr so far.
    var stderr: [UInt8] {
        self.condition.withLock { self.stderrBytes }
    }

    /// The complete lines the child wrote to stderr so far.
    var stderrCompleteLines: [String] {
        self.condition.withLock { self.stderrLines }
    }

    /// How the child ended, or nil while it runs.
    var exitStatus: ExitStatus? {
        self.condition.withLock { self.status }
    }

    /// Sends `signal` unless the child has already exited (its pid may then belong to someone else).
    /// - Returns: whether the signal was sent.
    @discardableResult
    func send(signal: Int32) -> Bool {
        self.condition.withLock {
            // A zombie's pid cannot be reused until it is reaped, and reaping happens under this lock.
            guard !self.isZombie else { return false }
            return kill(self.pid, signal) == 0
        }
    }

    /// Waits until `check` returns a value, re-evaluating it under the lock whenever output
    /// arrives or the child exits.
    /// - Parameter check: gets the stderr lines so far and the exit status (nil while running).
    /// - Returns: the value, or nil when `timeout` passed first.
    func wait<T>(
        timeout: Duration,
        until check: (_ stderrLines: [String], _ status: ExitStatus?) -> T?
    ) -> T? {
        let deadline = Date(timeIntervalSinceNow: timeout.timeInterval)
        self.condition.lock()
        defer { self.condition.unlock() }
        while true {
            if let value = check(self.stderrLines, self.status) {
                return value
            }
            if !self.condition.wait(until: deadline) {
                return check(self.stderrLines, self.status)
            }
        }
    }

    /// Waits for the exit and for both output streams to reach end of file.
    /// - Returns: the exit status, or nil when `timeout` passed first.
    func waitForCompletion(timeout: Duration) -> ExitStatus? {
        let deadline = Date(timeIntervalSinceNow: timeout.timeInterval)
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.status == nil || self.openStreams > 0 {
            if !self.condition.wait(until: deadline) {
                break
            }
        }
        return self.openStreams == 0 ? self.status : nil
    }

    private func collect(from descriptor: Int32, isStderr: Bool) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR {
                continue
            }
            guard count > 0 else { break }
            self.condition.withLock {
                if isStderr {
                    self.stderrBytes.append(contentsOf: chunk[0..<count])
                    self.splitStderrLines()
                } else {
                    self.stdoutBytes.append(contentsOf: chunk[0..<count])
                }
                self.condition.broadcast()
            }
        }
        close(descriptor)
        self.condition.withLock {
            self.openStreams -= 1
            self.condition.broadcast()
        }
    }

    private func splitStderrLines() {
        var index = self.stderrLineStart
        while index < self.stderrBytes.count {
            if self.stderrBytes[index] == UInt8(ascii: "\n") {
                self.stderrLines.append(String(decoding: self.stderrBytes[self.stderrLineStart..<index], as: UTF8.self))
                self.stderrLineStart = index + 1
            }
            index += 1
        }
    }

    private func reap() {
        // Wait for the exit without reaping (WNOWAIT), so that `send(signal:)` can never hit a
        // recycled pid: the pid stays ours until the waitpid below, which runs under the lock.
        var info = siginfo_t()
        while waitid(P_PID, id_t(self.pid), &info, WEXITED | WNOWAIT) != 0 {
            guard errno == EINTR else { break }
        }
        self.condition.withLock {
            self.isZombie = true
            var rawStatus: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(self.pid, &rawStatus, 0)
            } while result < 0 && errno == EINTR
            self.status = result == self.pid ? ExitStatus(waitStatus: rawStatus) : .exited(-1)
            self.condition.broadcast()
        }
    }

    /// Creates a close-on-exec pipe; call only while holding ``spawnLock``.
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        // Glibc's module does not export pipe2, so the flag is set in a second step. Every spawn
        // in this process holds spawnLock, so no other child can inherit the pipe in between
        // (the test clients' sockets are created with SOCK_CLOEXEC).
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw TestSupportError(.systemCall, "pipe: \(String(cString: strerror(errno)))")
        }
        for descriptor in descriptors {
            guard fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else {
                let code = errno
                close(descriptors[0])
                close(descriptors[1])
                throw TestSupportError(.systemCall, "fcntl FD_CLOEXEC: \(String(cString: strerror(code)))")
            }
        }
        return (descriptors[0], descriptors[1])
    }
}

extension Duration {
    /// The duration in seconds, as Foundation wants it.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = self.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
