internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

extension SocketCalls {
    /// The credentials of the process at the other end of a connected unix socket, as they were
    /// when it connected (or called `socketpair`): `SO_PEERCRED`.
    /// - Throws: `SystemCallError` for `getsockopt` (`ENOTSOCK`; `ENOTCONN` for an unconnected socket).
    package static func peerCredentials(
        _ descriptor: Int32
    ) throws(SystemCallError) -> PeerCredentialsOption {
        var credentials = PeerCredentialsOption()
        _ = try syscall("getsockopt") { credentials.read(from: descriptor) }
        return credentials
    }

    /// Whether something accepts connections at the unix socket `path` (a connect probe).
    ///
    /// False only when the probe proves nobody listens: `ECONNREFUSED` (a stale socket file, or
    /// not a socket), `ENOENT` or `ENOTDIR` (nothing there). Any other failure (`EACCES`, running
    /// out of descriptors...) counts as answering, so a caller never unlinks a socket it could not
    /// probe. The probe never blocks: a listener whose backlog is full (`EAGAIN`) answers too.
    package static func unixSocketAnswers(_ path: String) -> Bool {
        do {
            var (address, length) = try Self.unixAddress(path, call: "connect")
            // SOCK_NONBLOCK: a blocking connect to a listener with a full backlog waits for room.
            let type = Self.streamType() | Int32(bitPattern: SOCK_NONBLOCK.rawValue)
            let descriptor = try syscall("socket") { socket(AF_UNIX, type, 0) }
            defer { Self.close(descriptor) }
            _ = try withUnsafePointer(to: &address) { pointer throws(SystemCallError) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress throws(SystemCallError) in
                    try syscall("connect") { connect(descriptor, socketAddress, length) }
                }
            }
            return true
        } catch {
            switch error.errno {
            case .connectionRefused, .noSuchFileOrDirectory, .notDirectory:
                return false
            case .fileNameTooLong, .invalidArgument:
                // A path no socket can be bound at (see `listenUnix`): nothing can listen there.
                return false
            default:
                // EAGAIN: listening with a full backlog. Anything else: unknown, so "answers".
                return true
            }
        }
    }

    /// The socket facts of `descriptor`, for checking an inherited socket before adopting it:
    /// its family (`SO_DOMAIN`), type (`SO_TYPE`) and whether it listens (`SO_ACCEPTCONN`).
    /// - Throws: `SystemCallError` for `getsockopt`, `ENOTSOCK` when it is no socket.
    package static func socketFacts(
        _ descriptor: Int32
    ) throws(SystemCallError) -> (
        family: Int32, type: Int32, listening: Bool
    ) {
        let family = try Self.integerOption(descriptor, SOL_SOCKET, SO_DOMAIN)
        let type = try Self.integerOption(descriptor, SOL_SOCKET, SO_TYPE)
        let listening = try Self.integerOption(descriptor, SOL_SOCKET, SO_ACCEPTCONN)
        return (family: family, type: type, listening: listening != 0)
    }
}
