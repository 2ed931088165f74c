internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// The descriptor calls a poll loop over a child's pipes needs: non-blocking close-on-exec pipes,
/// reads and writes that report "would block", `poll(2)`, and a pidfd for the child's exit.
package enum ChildPipes {
    /// A new pipe, both ends close-on-exec and non-blocking.
    /// - Returns: `(read, write)` descriptors.
    package static func makePipe() throws(SystemCallError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try syscall("pipe2") { rpcd_pipe_flags(&fds, O_CLOEXEC | O_NONBLOCK) }
        return (fds[0], fds[1])
    }

    /// Makes `descriptor` blocking again (the end a child gets should behave like an ordinary pipe).
    package static func setBlocking(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
    }

    /// Reads up to `buffer.count` bytes.
    /// - Returns: the byte count (0 at end of file), or nil when nothing is there yet (`EAGAIN`).
    package static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            // EAGAIN: nothing yet. Any other error ends the stream like an end of file would.
            return errno == EAGAIN ? nil : 0
        }
    }

    /// Writes what the pipe takes now of `bytes`.
    /// - Returns: the bytes written (0 when the pipe is full), or nil when the reader is gone (`EPIPE`).
    package static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int? {
        while true {
            let count = Glibc.write(descriptor, bytes.baseAddress, bytes.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            return errno == EAGAIN ? 0 : nil
        }
    }

    /// Closes `descriptor` (never retried, see `syscall`).
    package static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// Waits up to `timeoutMilliseconds` (-1 = forever) for any of `descriptors` to be ready:
    /// readable (or hung up) for the `reading` ones, writable for the `writing` ones.
    /// - Returns: the descriptors that are ready.
    package static func poll(
        reading: [Int32],
        writing: [Int32],
        timeoutMilliseconds: Int32
    ) -> Set<Int32> {
        var entries =
            reading.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            + writing.map { pollfd(fd: $0, events: Int16(POLLOUT), revents: 0) }
        let count = Glibc.poll(&entries, nfds_t(entries.count), timeoutMilliseconds)
        guard count > 0 else { return [] }
        return Set(entries.filter { $0.revents != 0 }.map(\.fd))
    }

    /// A pidfd for the child `pid`: readable once it has exited.
    package static func openProcess(_ pid: Int32) throws(SystemCallError) -> Int32 {
        try syscall("pidfd_open") { rpcd_pidfd_open(pid) }
    }

    /// Waits for the child `pid` to end and collects it.
    /// - Returns: how it ended; nil if it cannot be collected (already reaped elsewhere).
    package static func waitForExit(_ pid: Int32) -> ExitStatus? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        return ExitStatus(waitStatus: status)
    }
}
