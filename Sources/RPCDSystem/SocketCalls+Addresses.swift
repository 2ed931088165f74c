#if canImport(Glibc)
internal import Glibc
#endif

extension SocketCalls {
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

    /// A `sockaddr_un` for `path` and its used length, or `ENAMETOOLONG`/`EINVAL` under `call`.
    static func unixAddress(
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
}
