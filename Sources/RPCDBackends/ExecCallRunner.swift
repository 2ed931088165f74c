internal import RPCDSystem

/// Runs one exec method call to its end on the calling thread (a thread-pool thread, never an
/// event loop): spawns the file in its own process group, writes stdin, collects stdout up to the
/// cap and stderr lines, enforces the deadline, then collects the child.
struct ExecCallRunner {
    /// How long a group has between SIGTERM and SIGKILL after its deadline.
    static let killGrace = Duration.seconds(2)

    var definition: ExecMethodDefinition
    var directory: String
    var environment: [String]
    var input: [UInt8]
    var deadline: ContinuousClock.Instant?
    var maxOutput: Int
    /// Receives each stderr line kept (1 KiB at most) and, at the end, the count of lines dropped.
    var errorLines: ErrorLineCollector

    /// Why a call ended without a completion.
    enum Failure: Error {
        /// The deadline passed (the caller has had -32002 already).
        case timedOut
        /// The file could not be started.
        case spawnFailed(SystemCallError)
    }

    /// Runs the call.
    mutating func run() -> Result<ExecCompletion, Failure> {
        let pipes: [(read: Int32, write: Int32)]
        do {
            pipes = [try ChildPipes.makePipe(), try ChildPipes.makePipe(), try ChildPipes.makePipe()]
        } catch {
            return .failure(.spawnFailed(error))
        }
        var open = Set(pipes.flatMap { [$0.read, $0.write] })
        defer { for descriptor in open { ChildPipes.close(descriptor) } }
        for child in [pipes[0].read, pipes[1].write, pipes[2].write] { ChildPipes.setBlocking(child) }
        let pid: Int32
        do {
            pid = try ProcessGroupSpawner.spawn(
                path: self.definition.path,
                environment: self.environment,
                directory: self.directory,
                standardInput: pipes[0].read,
                standardOutput: pipes[1].write,
                standardError: pipes[2].write
            )
        } catch {
            return .failure(.spawnFailed(error))
        }
        self.errorLines.pid = pid
        for child in [pipes[0].read, pipes[1].write, pipes[2].write] {
            ChildPipes.close(child)
            open.remove(child)
        }
        let processDescriptor = try? ChildPipes.openProcess(pid)
        if let processDescriptor { open.insert(processDescriptor) }

        var loop = Loop(stdin: pipes[0].write, stdout: pipes[1].read, stderr: pipes[2].read, input: self.input)
        var output: [UInt8] = []
        var overflowed = false
        var timedOut = false
        var killAt: ContinuousClock.Instant?
        var exited = processDescriptor == nil
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }

        while !(exited && loop.stdout == nil && loop.stderr == nil) {
            let now = ContinuousClock.now
            if let deadline = self.deadline, !timedOut, now >= deadline {
                timedOut = true
                ProcessGroupSpawner.signalGroup(pid, SignalNumber.terminate)
                killAt = now + Self.killGrace
            }
            if let killAt, now >= killAt {
                ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
                break
            }
            let wake = killAt ?? (timedOut ? nil : self.deadline)
            let timeout = wake.map { Self.milliseconds(until: $0, from: now) } ?? -1
            let reading = [loop.stdout, loop.stderr, exited ? nil : processDescriptor].compactMap { $0 }
            let ready = ChildPipes.poll(
                reading: reading,
                writing: [loop.stdin].compactMap { $0 },
                timeoutMilliseconds: timeout
            )
            if let stdin = loop.stdin, ready.contains(stdin) { loop.writeInput(closing: &open) }
            if let stdout = loop.stdout, ready.contains(stdout), let count = ChildPipes.read(stdout, into: buffer) {
                if count == 0 {
                    loop.stdout = nil
                    ChildPipes.close(stdout)
                    open.remove(stdout)
                } else if !timedOut {
                    output.append(contentsOf: buffer.prefix(count))
                    if output.count > self.maxOutput {
                        // Killed as soon as it passes the cap: no more of it is read or kept.
                        overflowed = true
                        ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
                        output = []
                        loop.stdout = nil
                        ChildPipes.close(stdout)
                        open.remove(stdout)
                    }
                }
            }
            if let stderr = loop.stderr, ready.contains(stderr), let count = ChildPipes.read(stderr, into: buffer) {
                if count == 0 {
                    loop.stderr = nil
                    ChildPipes.close(stderr)
                    open.remove(stderr)
                } else {
                    self.errorLines.append(UnsafeRawBufferPointer(rebasing: buffer.prefix(count)))
                }
            }
            if let processDescriptor, ready.contains(processDescriptor) { exited = true }
        }
        self.errorLines.finish()
        if timedOut, let killAt, ProcessGroupSpawner.signalGroup(pid, 0) {
            // The leader is gone but others of its group may ignore SIGTERM: they get SIGKILL on time.
            let rest = Self.milliseconds(until: killAt, from: .now)
            if rest > 0 { _ = ChildPipes.poll(reading: [], writing: [], timeoutMilliseconds: rest) }
        }
        // Whatever the method left running in its group goes with it.
        ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
        let status = ChildPipes.waitForExit(pid)
        if timedOut { return .failure(.timedOut) }
        return .success(
            ExecCompletion(
                status: status,
                standardOutput: output,
                outputOverflowed: overflowed,
                lastErrorLine: self.errorLines.lastLine
            )
        )
    }

    static func milliseconds(until instant: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int32 {
        let (seconds, attoseconds) = (instant - now).components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: max(0, milliseconds))
    }

    /// The parent's ends of the pipes still open, and what is left to write.
    private struct Loop {
        var stdin: Int32?
        var stdout: Int32?
        var stderr: Int32?
        var input: [UInt8]
        var written = 0

        init(stdin: Int32, stdout: Int32, stderr: Int32, input: [UInt8]) {
            (self.stdin, self.stdout, self.stderr, self.input) = (stdin, stdout, stderr, input)
        }

        mutating func writeInput(closing open: inout Set<Int32>) {
            guard let stdin = self.stdin else { return }
            let count = self.input.withUnsafeBytes {
                ChildPipes.write(stdin, UnsafeRawBufferPointer(rebasing: $0[self.written...]))
            }
            if let count { self.written += count }
            if count == nil || self.written == self.input.count {
                // All written (then EOF), or the method closed its stdin without reading it all.
                ChildPipes.close(stdin)
                open.remove(stdin)
                self.stdin = nil
            }
        }
    }
}
