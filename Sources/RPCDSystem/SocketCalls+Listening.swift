internal import CLinux
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

extension SocketCalls {
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

    /// An address `getaddrinfo` produced, copied out of its list.
    private struct ResolvedAddress {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
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
}
