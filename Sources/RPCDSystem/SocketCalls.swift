internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// The socket calls the master makes itself: listeners it hands to workers, control socketpairs,
/// admin-socket checks. Every descriptor is created close-on-exec, so a worker only ever gets
/// what `ProcessSpawner` maps into it.
package enum SocketCalls {
    /// An `AF_UNIX` `SOCK_STREAM` socketpair, both ends close-on-exec.
    package static func streamPair() throws(SystemCallError) -> (Int32, Int32) {
        var descriptors: [Int32] = [-1, -1]
        // SOCK_CLOEXEC sets the flag atomically: a spawn on another thread between socketpair and
        // a later fcntl would leak the pair into that child.
        _ = try syscall("socketpair") {
            socketpair(AF_UNIX, Self.streamType(), 0, &descriptors)
        }
        return (descriptors[0], descriptors[1])
    }

    /// A listening TCP socket on `host`:`port`.
    ///
    /// `host` is an IPv4 or IPv6 literal (brackets allowed: `[::1]`) or a name that `getaddrinfo`
    /// resolves; a name with several addresses binds the first one that binds. IPv6 sockets get
    /// `IPV6_V6ONLY`, so `::` never also takes the IPv4 port. Port 0 binds an ephemeral port (read
    /// it back with `localAddress(_:)`). The socket is blocking; NIO makes it non-blocking when
    /// it adopts the descriptor.
    /// - Throws: `SystemCallError` for `getaddrinfo` (`EADDRNOTAVAIL` for a name that does not
    ///   resolve, `EAGAIN` for a temporary resolver failure), `socket`, `setsockopt`, `bind`
    ///   (`EADDRINUSE`, `EACCES`; `EINVAL` for a port outside 0...65535) or `listen`.
    package static func listenTCP(host: String, port: Int, backlog: Int32 = 1024) throws(SystemCallError) -> Int32 {
        guard (0...65535).contains(port) else {
            throw SystemCallError(call: "bind", errno: .invalidArgument)
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = try Self.resolve(bareHost, port: port)
        var lastError = SystemCallError(call: "getaddrinfo", errno: .addressNotAvailable)
        for address in addresses {
            do {
                return try Self.listen(on: address, backlog: backlog)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// A listening unix stream socket bound at `path`; the caller has removed any stale file
    /// and sets the permission bits afterwards.
    /// - Throws: `SystemCallError` for `socket`, `bind` (`EADDRINUSE` when the file exists,
    ///   `ENAMETOOLONG` for a path over 107 bytes, `EINVAL` for an empty path or a NUL byte) or
    ///   `listen`.
    package static func listenUnix(path: String, backlog: Int32 = 1024) throws(SystemCallError) -> Int32 {
        var (address, length) = try Self.unixAddress(path, call: "bind")
        let descriptor = try syscall("socket") { socket(AF_UNIX, Self.streamType(), 0) }
        do {
            _ = try withUnsafePointer(to: &address) { pointer throws(SystemCallError) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress throws(SystemCallError) in
                    try syscall("bind") { bind(descriptor, socketAddress, length) }
                }
            }
            _ = try syscall("listen") { Glibc.listen(descriptor, backlog) }
            return descriptor
        } catch {
            Self.close(descriptor)
            throw error
        }
    }

    /// The address `descriptor` is bound to (`getsockname(2)`): `127.0.0.1:7700`, `[::1]:7700`, a
    /// unix socket's path, `@name` for an abstract unix socket, or an empty string for an unbound one.
    /// - Throws: `SystemCallError` for `getsockname` (`ENOTSOCK`; `EAFNOSUPPORT` for another family).
    package static func localAddress(_ descriptor: Int32) throws(SystemCallError) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemCallError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress throws(SystemCallError) in
                try syscall("getsockname") { getsockname(descriptor, socketAddress, &length) }
            }
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var internetAddress = address.pointee.sin_addr
                    let text = withUnsafeBytes(of: &internetAddress) { Self.presentation(AF_INET, $0.baseAddress!) }
                    return "\(text):\(UInt16(bigEndian: address.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var internetAddress = address.pointee.sin6_addr
                    var text = withUnsafeBytes(of: &internetAddress) { Self.presentation(AF_INET6, $0.baseAddress!) }
                    if address.pointee.sin6_scope_id != 0 {
                        // A link-local address means nothing without its interface.
                        text += "%\(address.pointee.sin6_scope_id)"
                    }
                    return "[\(text)]:\(UInt16(bigEndian: address.pointee.sin6_port))"
                }
            }
        case AF_UNIX:
            return withUnsafeBytes(of: &storage) { raw in
                // The kernel reports the used length; sun_path is NUL-terminated only if room was left.
                let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
                let end = min(Int(length), MemoryLayout<sockaddr_un>.size)
                guard end > pathOffset else {
                    return ""
                }
                let path = raw[pathOffset..<end]
                if path.first == 0 {
                    // Abstract namespace: a leading NUL, then bytes that may include NULs.
                    return "@" + String(decoding: path.dropFirst(), as: UTF8.self)
                }
                return String(decoding: path.prefix { $0 != 0 }, as: UTF8.self)
            }
        default:
            throw SystemCallError(call: "getsockname", errno: .addressFamilyNotSupported)
        }
    }

    /// The credentials of the process at the other end of a connected unix socket, as they were
    /// when it connected (or called `socketpair`): `SO_PEERCRED`.
    /// - Throws: `SystemCallError` for `getsockopt` (`ENOTSOCK`; `ENOTCONN` for an unconnected socket).
    package static func peerCredentials(
        _ descriptor: Int32
    ) throws(SystemCallError) -> (
        pid: Int32, uid: UInt32, gid: UInt32
    ) {
        var credentials = rpcd_peer_credentials()
        // The shim mirrors struct ucred, which Glibc's module hides behind _GNU_SOURCE.
        _ = try syscall("getsockopt") { rpcd_get_peer_credentials(descriptor, &credentials) }
        return (pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
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

    /// Closes `descriptor` once (`close(2)`).
    ///
    /// An interrupted close is not retried: Linux has released the descriptor already, and the
    /// number may belong to a descriptor another thread has just opened. Other errors (`EIO`)
    /// leave nothing to do; `EBADF` is a bookkeeping bug (a double close) and asserts in debug builds.
    package static func close(_ descriptor: Int32) {
        if Glibc.close(descriptor) == -1 {
            let code = Glibc.errno
            assert(code != EBADF, "close(\(descriptor)): not an open descriptor (closed twice?)")
        }
    }

    // MARK: - Helpers

    /// An address `getaddrinfo` produced, copied out of its list.
    private struct ResolvedAddress {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
    }

    /// `SOCK_STREAM | SOCK_CLOEXEC` as `socket(2)` takes it (Glibc imports both as an enum).
    private static func streamType() -> Int32 {
        Int32(bitPattern: SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
    }

    /// The TCP addresses of `host`, literal or name, in `getaddrinfo`'s order of preference.
    private static func resolve(_ host: String, port: Int) throws(SystemCallError) -> [ResolvedAddress] {
        var hints = addrinfo()
        // AI_PASSIVE for a listening socket; AI_NUMERICSERV: the port is a number, never a service
        // name lookup. No AI_ADDRCONFIG: it would refuse ::1 on a host whose only IPv6 address is
        // loopback.
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(bitPattern: SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        // A literal is parsed without any lookup; only a name goes to the resolver.
        let result = getaddrinfo(host, String(port), &hints, &list)
        guard result == 0 else {
            throw SystemCallError(call: "getaddrinfo", errno: Self.errnoFromAddressInfoError(result))
        }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var cursor = list
        while let entry = cursor {
            let family = entry.pointee.ai_family
            if family == AF_INET || family == AF_INET6, let socketAddress = entry.pointee.ai_addr {
                var storage = sockaddr_storage()
                let length = min(Int(entry.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutableBytes(of: &storage) { destination in
                    destination.copyMemory(
                        from: UnsafeRawBufferPointer(start: UnsafeRawPointer(socketAddress), count: length)
                    )
                }
                addresses.append(ResolvedAddress(family: family, storage: storage, length: socklen_t(length)))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// getaddrinfo reports its own `EAI_*` codes; maps them onto the nearest `errno`.
    private static func errnoFromAddressInfoError(_ code: Int32) -> Errno {
        switch code {
        case EAI_SYSTEM: Errno(rawValue: Glibc.errno)
        case EAI_AGAIN: .resourceTemporarilyUnavailable
        case EAI_MEMORY: .noMemory
        case EAI_FAMILY: .addressFamilyNotSupported
        // EAI_NONAME, EAI_NODATA, EAI_FAIL...: the name gives no address to bind.
        default: .addressNotAvailable
        }
    }

    /// socket, SO_REUSEADDR, IPV6_V6ONLY, bind and listen on one resolved address.
    private static func listen(on address: ResolvedAddress, backlog: Int32) throws(SystemCallError) -> Int32 {
        let descriptor = try syscall("socket") { socket(address.family, Self.streamType(), 0) }
        do {
            // SO_REUSEADDR: a restarted master rebinds while old connections sit in TIME_WAIT.
            try Self.setIntegerOption(descriptor, SOL_SOCKET, SO_REUSEADDR, 1)
            if address.family == AF_INET6 {
                // The default depends on net.ipv6.bindv6only; be explicit so [::] is IPv6 only
                // and an IPv4 listener on the same port can coexist.
                try Self.setIntegerOption(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1)
            }
            var storage = address.storage
            _ = try withUnsafePointer(to: &storage) { pointer throws(SystemCallError) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress throws(SystemCallError) in
                    try syscall("bind") { bind(descriptor, socketAddress, address.length) }
                }
            }
            _ = try syscall("listen") { Glibc.listen(descriptor, backlog) }
            return descriptor
        } catch {
            Self.close(descriptor)
            throw error
        }
    }

    /// A `sockaddr_un` for `path` and its used length, or `ENAMETOOLONG`/`EINVAL` under `call`.
    private static func unixAddress(
        _ path: String,
        call: StaticString
    ) throws(SystemCallError) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else {
            throw SystemCallError(call: call, errno: .invalidArgument)
        }
        // sun_path holds 108 bytes including the terminating NUL.
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemCallError(call: call, errno: .fileNameTooLong)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { destination in
            destination.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        return (address, socklen_t(pathOffset + bytes.count + 1))
    }

    /// inet_ntop of an `in_addr`/`in6_addr`.
    private static func presentation(_ family: Int32, _ address: UnsafeRawPointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        // Cannot fail: the family matches the address and the buffer fits any IPv6 text.
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else {
            return "?"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func setIntegerOption(
        _ descriptor: Int32,
        _ level: Int32,
        _ name: Int32,
        _ value: Int32
    ) throws(SystemCallError) {
        var value = value
        _ = try syscall("setsockopt") {
            setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    private static func integerOption(
        _ descriptor: Int32,
        _ level: Int32,
        _ name: Int32
    ) throws(SystemCallError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try syscall("getsockopt") { getsockopt(descriptor, level, name, &value, &length) }
        return value
    }
}
