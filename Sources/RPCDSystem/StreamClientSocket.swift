internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// A connected, blocking client stream socket (unix or TCP) whose every operation has a deadline,
/// for short request/response exchanges such as `rpcd-admin` talking to the admin socket.
///
/// A deadline that passes surfaces as a ``SystemCallError`` with `errno` `ETIMEDOUT`, so callers
/// tell a silent peer from a refused connection by the errno alone.
package final class StreamClientSocket {
    /// Where to connect.
    package enum Address: Hashable, Sendable, CustomStringConvertible {
        /// A unix stream socket at this path.
        case unix(path: String)
        /// A TCP host (a name, an IPv4 literal or an IPv6 literal without brackets) and port.
        case tcp(host: String, port: Int)

        /// `/path`, `HOST:PORT` or `[V6]:PORT`.
        package var description: String {
            switch self {
            case .unix(let path): path
            case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            }
        }
    }

    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        self.close()
    }

    /// Connects to `address` before `deadline`.
    /// - Throws: ``SystemCallError`` naming the failing call: `connect` with `ENOENT`, `ECONNREFUSED`,
    ///   `EACCES` and the like, `ETIMEDOUT` when the deadline passes, `EINVAL` for a unix path too
    ///   long for `sockaddr_un`, `getaddrinfo` with `EHOSTUNREACH` for a host name that does not resolve.
    package static func connect(
        to address: Address,
        deadline: ContinuousClock.Instant
    ) throws(SystemCallError) -> StreamClientSocket {
        switch address {
        case .unix(let path):
            var storage = sockaddr_un()
            storage.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            // sun_path needs room for the terminating NUL.
            guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: storage.sun_path) else {
                throw SystemCallError(call: "connect", errno: .invalidArgument)
            }
            withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: bytes) }
            return try self.connect(
                family: AF_UNIX,
                address: withUnsafeBytes(of: storage) { Array($0) },
                deadline: deadline
            )
        case .tcp(let host, let port):
            return try self.connectTCP(host: host, port: port, deadline: deadline)
        }
    }

    /// Tries every address `getaddrinfo` gives for `host`, in order; the last failure is thrown.
    private static func connectTCP(
        host: String,
        port: Int,
        deadline: ContinuousClock.Instant
    ) throws(SystemCallError) -> StreamClientSocket {
        guard (0...65_535).contains(port) else {
            throw SystemCallError(call: "connect", errno: .invalidArgument)
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            // getaddrinfo reports through its own codes, not errno: an unknown host reads best as unreachable.
            throw SystemCallError(
                call: "getaddrinfo",
                errno: status == EAI_SYSTEM ? Errno(rawValue: Glibc.errno) : .noRouteToHost
            )
        }
        defer { freeaddrinfo(first) }
        var lastError = SystemCallError(call: "connect", errno: .noRouteToHost)
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            guard let address = entry.pointee.ai_addr else { continue }
            let raw = Array(UnsafeRawBufferPointer(start: address, count: Int(entry.pointee.ai_addrlen)))
            do {
                return try self.connect(family: entry.pointee.ai_family, address: raw, deadline: deadline)
            } catch {
                lastError = error
                if error.errno == .timedOut { break }
            }
        }
        throw lastError
    }

    private static func connect(
        family: Int32,
        address: [UInt8],
        deadline: ContinuousClock.Instant
    ) throws(SystemCallError) -> StreamClientSocket {
        let descriptor = try syscall("socket") {
            socket(family, Int32(bitPattern: SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        }
        let connection = StreamClientSocket(descriptor: descriptor)
        // Linux bounds a blocking connect (TCP handshake, or a unix listener with a full backlog)
        // by SO_SNDTIMEO; a connect cut short that way fails with EINPROGRESS (TCP) or EAGAIN (unix).
        try connection.setTimeout(SO_SNDTIMEO, until: deadline)
        // Not through syscall(): a connect interrupted by a signal keeps going in the kernel, and
        // retrying it would fail with EALREADY, so EINTR is waited out with poll instead.
        let result = address.withUnsafeBytes { raw in
            Glibc.connect(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if result != 0 {
            let code = Errno(rawValue: Glibc.errno)
            switch code {
            case .interrupted:
                try connection.wait(for: Int16(POLLOUT), until: deadline, call: "connect")
                try connection.checkPendingError()
            case .nowInProgress, .wouldBlock:
                throw SystemCallError(call: "connect", errno: .timedOut)
            default:
                throw SystemCallError(call: "connect", errno: code)
            }
        }
        return connection
    }

    /// Sends all of `bytes` before `deadline`.
    /// - Throws: ``SystemCallError`` from `send` (`EPIPE`, `ECONNRESET`, `ETIMEDOUT`, ...).
    package func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            try self.wait(for: Int16(POLLOUT), until: deadline, call: "send")
            do {
                // MSG_NOSIGNAL: a peer that went away is an EPIPE here, never a SIGPIPE that kills the client.
                offset += try syscall("send") {
                    bytes.withUnsafeBytes { buffer in
                        Glibc.send(
                            self.descriptor,
                            buffer.baseAddress! + offset,
                            buffer.count - offset,
                            Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
                        )
                    }
                }
            } catch  where error.errno == .wouldBlock {
                // The buffer filled up again after poll said it had room: wait once more.
                continue
            }
        }
    }

    /// Receives up to `maximum` bytes, waiting until `deadline` for at least one.
    /// - Returns: the bytes, or an empty array when the peer closed the connection.
    /// - Throws: ``SystemCallError`` from `recv` (`ECONNRESET`, `ETIMEDOUT`, ...).
    package func receive(maximum: Int = 65_536, deadline: ContinuousClock.Instant) throws(SystemCallError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            try self.wait(for: Int16(POLLIN), until: deadline, call: "recv")
            do {
                let count = try syscall("recv") {
                    buffer.withUnsafeMutableBytes {
                        recv(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
                    }
                }
                buffer.removeSubrange(count...)
                return buffer
            } catch  where error.errno == .wouldBlock {
                // A spurious wake-up: nothing to read after all.
                continue
            }
        }
    }

    /// Closes the sending direction, telling the peer no more requests follow.
    package func shutdownWrite() {
        if self.descriptor >= 0 {
            // Best effort: the peer may already be gone, which the next receive reports.
            _ = Glibc.shutdown(self.descriptor, Int32(SHUT_WR))
        }
    }

    /// Closes the socket; later calls fail with `EBADF`.
    package func close() {
        if self.descriptor >= 0 {
            // EINTR from close still means closed on Linux: never retry.
            _ = Glibc.close(self.descriptor)
            self.descriptor = -1
        }
    }

    /// Polls until the descriptor is ready for `events` or `deadline` passes (then `ETIMEDOUT`).
    private func wait(
        for events: Int16,
        until deadline: ContinuousClock.Instant,
        call: StaticString
    ) throws(SystemCallError) {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw SystemCallError(call: call, errno: .timedOut)
            }
            var entry = pollfd(fd: self.descriptor, events: events, revents: 0)
            let ready = try syscall("poll") { poll(&entry, 1, Self.milliseconds(remaining)) }
            // Errors and hang-ups count as ready: the following call reports them with its own errno.
            if ready > 0 {
                return
            }
        }
    }

    /// Turns a failed asynchronous connect into its errno (`SO_ERROR`).
    private func checkPendingError() throws(SystemCallError) {
        var pending: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try syscall("getsockopt") { getsockopt(self.descriptor, SOL_SOCKET, SO_ERROR, &pending, &length) }
        if pending != 0 {
            throw SystemCallError(call: "connect", errno: Errno(rawValue: pending))
        }
    }

    private func setTimeout(_ option: Int32, until deadline: ContinuousClock.Instant) throws(SystemCallError) {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else {
            throw SystemCallError(call: "connect", errno: .timedOut)
        }
        let microseconds = max(Self.microseconds(remaining), 1_000)
        var value = timeval(tv_sec: Int(microseconds / 1_000_000), tv_usec: Int(microseconds % 1_000_000))
        _ = try syscall("setsockopt") {
            setsockopt(self.descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// The poll timeout for `duration`, rounded up so that a poll never returns just before the deadline.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let microseconds = self.microseconds(duration)
        return Int32(clamping: (microseconds + 999) / 1_000)
    }
}
