import RPCDSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// rpcd's exit status, not Swift Testing's type of the same name.
typealias ExitStatus = RPCDSystem.ExitStatus

/// Runs children for the tests: captures stdout through a socketpair and waits for the exit of
/// that one pid (never `waitpid(-1)`, which could steal another test's child).
enum SpawnedChild {
    /// Spawns `arguments[0]`-named `path`, collects what it writes to fd 1 until EOF, waits for it.
    static func run(
        _ path: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        descriptors: [(parent: Int32, child: Int32)] = []
    ) throws -> (output: String, status: ExitStatus) {
        let (reader, writer) = try SocketCalls.streamPair()
        defer { SocketCalls.close(reader) }
        let pid: Int32
        do {
            pid = try ProcessSpawner.spawn(
                path: path,
                arguments: arguments,
                environment: environment,
                descriptors: [(parent: writer, child: 1)] + descriptors
            )
        } catch {
            SocketCalls.close(writer)
            throw error
        }
        // Only the child holds the write end now, so EOF means it has exited (or closed fd 1).
        SocketCalls.close(writer)
        let output = try readAll(reader)
        let status = try waitForExit(pid)
        return (output, status)
    }

    /// Blocks until `pid` exits and reaps it.
    static func waitForExit(_ pid: Int32) throws -> ExitStatus {
        var rawStatus: Int32 = 0
        _ = try syscall("waitpid") { waitpid(pid, &rawStatus, 0) }
        return try #require(ExitStatus(waitStatus: rawStatus))
    }

    /// Blocks until `pid` has exited without reaping it (`waitid` with `WNOWAIT`).
    static func waitUntilZombie(_ pid: Int32) throws {
        var info = siginfo_t()
        _ = try syscall("waitid") { waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) }
    }
}

/// Everything readable from `descriptor` until EOF, as text.
func readAll(_ descriptor: Int32) throws -> String {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = try chunk.withUnsafeMutableBytes { buffer in
            try syscall("read") { read(descriptor, buffer.baseAddress, buffer.count) }
        }
        if count == 0 {
            return String(decoding: bytes, as: UTF8.self)
        }
        bytes.append(contentsOf: chunk[..<count])
    }
}

/// Writes all of `text` to `descriptor`.
func writeAll(_ descriptor: Int32, _ text: String) throws {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        offset += try bytes.withUnsafeMutableBytes { buffer in
            try syscall("write") { write(descriptor, buffer.baseAddress! + offset, buffer.count - offset) }
        }
    }
}

/// Accepts one connection on `listener`, close-on-exec like every test descriptor.
func acceptConnection(_ listener: Int32) throws -> Int32 {
    // Glibc's module has no accept4 (it is a GNU extension); no child of these tests keeps
    // running long enough for the gap before F_SETFD to matter.
    let descriptor = try syscall("accept") { accept(listener, nil, nil) }
    _ = try syscall("fcntl") { fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    return descriptor
}

/// Whether `descriptor` has close-on-exec set.
func isCloseOnExec(_ descriptor: Int32) -> Bool {
    let flags = fcntl(descriptor, F_GETFD)
    return flags >= 0 && flags & FD_CLOEXEC != 0
}
