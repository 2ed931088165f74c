import Glibc

/// A connected, blocking stream socket (TCP or unix) on which every send and receive has a
/// deadline (`SO_SNDTIMEO`/`SO_RCVTIMEO`), so a test never hangs on a silent peer.
public final class StreamSocket {
    /// What one receive produced.
    public enum Received: Equatable, Sendable {
        /// Some bytes.
        case bytes([UInt8])
        /// The peer closed its side (or reset the connection).
        case closed
        /// Nothing arrived before the deadline.
        case timedOut
    }

    private var descriptor: Int32
    /// Whether the peer reset the connection (`ECONNRESET`) rather than closing it.
    public private(set) var wasReset = false

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Connects to `endpoint`.
    /// - Throws: ``TestSupportError/Code/systemCall`` with the errno text (e.g. connection
    ///   refused), or ``TestSupportError/Code/timedOut``.
    public static func connect(to endpoint: SocketEndpoint, timeout: Duration = .seconds(5)) throws -> StreamSocket {
        switch endpoint {
        case .tcp(let host, let port):
            if host.contains(":") {
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = in_port_t(UInt16(port).bigEndian)
                guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                    throw TestSupportError(.protocolViolation, "not an IPv6 address: \(host)")
                }
                return try self.connect(family: AF_INET6, address: address, endpoint: endpoint, timeout: timeout)
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                throw TestSupportError(.protocolViolation, "not an IPv4 address: \(host)")
            }
            return try self.connect(family: AF_INET, address: address, endpoint: endpoint, timeout: timeout)
        case .unix(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                throw TestSupportError(.protocolViolation, "unix socket path too long: \(path)")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                buffer.copyBytes(from: bytes)
            }
            return try self.connect(family: AF_UNIX, address: address, endpoint: endpoint, timeout: timeout)
        }
    }

    private static func connect<Address>(
        family: Int32,
        address: Address,
        endpoint: SocketEndpoint,
        timeout: Duration
    ) throws -> StreamSocket {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw TestSupportError(.systemCall, "socket: \(String(cString: strerror(errno)))")
        }
        let connection = StreamSocket(descriptor: descriptor)
        // Linux bounds a blocking connect by SO_SNDTIMEO.
        try connection.setTimeout(SO_SNDTIMEO, timeout)
        var address = address
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
                }
            }
        } while result < 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            throw TestSupportError(
                code == EINPROGRESS || code == EAGAIN ? .timedOut : .systemCall,
                "connect \(endpoint): \(String(cString: strerror(code)))"
            )
        }
        return connection
    }

    /// Whether a connection to `endpoint` is accepted at the TCP (or unix) level right now.
    public static func canConnect(to endpoint: SocketEndpoint) -> Bool {
        do {
            let connection = try self.connect(to: endpoint, timeout: .seconds(2))
            connection.close()
            return true
        } catch {
            return false
        }
    }

    /// Sends all of `bytes`.
    /// - Throws: ``TestSupportError/Code/connectionClosed`` when the peer closed or reset the
    ///   connection, ``TestSupportError/Code/timedOut`` when the peer stopped reading.
    public func send(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws {
        try self.setTimeout(SO_SNDTIMEO, timeout)
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a closed peer must be an error here, not a SIGPIPE for the test runner.
            let count = bytes.withUnsafeBytes {
                Glibc.send(self.descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count >= 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                throw TestSupportError(.timedOut, "send: peer not reading after \(offset) of \(bytes.count) bytes")
            case EPIPE, ECONNRESET:
                throw TestSupportError(.connectionClosed, "send: peer closed after \(offset) of \(bytes.count) bytes")
            case let code:
                throw TestSupportError(.systemCall, "send: \(String(cString: strerror(code)))")
            }
        }
    }

    /// Sends `bytes` until the peer closes the connection.
    /// - Returns: how many bytes were sent (all of them when the peer never closed).
    public func sendUntilClosed(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws -> Int {
        try self.setTimeout(SO_SNDTIMEO, timeout)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(
                    self.descriptor,
                    $0.baseAddress! + offset,
                    min($0.count - offset, 65_536),
                    Int32(MSG_NOSIGNAL)
                )
            }
            if count >= 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EPIPE, ECONNRESET:
                return offset
            case EAGAIN:
                throw TestSupportError(.timedOut, "send: peer neither reading nor closing after \(offset) bytes")
            case let code:
                throw TestSupportError(.systemCall, "send: \(String(cString: strerror(code)))")
            }
        }
        return offset
    }

    /// Receives what is available, waiting up to `timeout` for at least one byte.
    public func receive(maximum: Int = 65_536, timeout: Duration) throws -> Received {
        if self.descriptor < 0 {
            return .closed
        }
        try self.setTimeout(SO_RCVTIMEO, timeout)
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                return .bytes(Array(buffer[0..<count]))
            }
            if count == 0 {
                return .closed
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                return .timedOut
            case ECONNRESET:
                self.wasReset = true
                return .closed
            case let code:
                throw TestSupportError(.systemCall, "recv: \(String(cString: strerror(code)))")
            }
        }
    }

    /// Closes the sending direction (a TCP FIN), keeping the receiving one open.
    public func shutdownWrite() {
        if self.descriptor >= 0 {
            shutdown(self.descriptor, Int32(SHUT_WR))
        }
    }

    /// Closes the socket; later receives report ``Received/closed``.
    public func close() {
        if self.descriptor >= 0 {
            // EINTR from close still means closed on Linux: never retry.
            _ = Glibc.close(self.descriptor)
            self.descriptor = -1
        }
    }

    deinit {
        self.close()
    }

    private func setTimeout(_ option: Int32, _ timeout: Duration) throws {
        let (seconds, attoseconds) = timeout.components
        // A zero timeval means "wait forever": never ask for less than a millisecond.
        let microseconds = max(Int64(seconds) * 1_000_000 + attoseconds / 1_000_000_000_000, 1_000)
        var value = timeval(tv_sec: Int(microseconds / 1_000_000), tv_usec: Int(microseconds % 1_000_000))
        guard setsockopt(self.descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size)) == 0
        else {
            throw TestSupportError(.systemCall, "setsockopt: \(String(cString: strerror(errno)))")
        }
    }
}
