internal import CLinux
internal import CSystemd
internal import SystemPackage

#if canImport(Glibc)
internal import Glibc
#endif

/// A listening socket the service manager passed in (`LISTEN_FDS`, socket activation).
package struct ActivatedSocket: Sendable, Hashable {
    /// The descriptor, from 3 on.
    package var descriptor: Int32
    /// The socket unit's `FileDescriptorName=` (systemd's default is the unit name).
    package var name: String
    /// `AF_INET`, `AF_INET6` or `AF_UNIX`.
    package var family: Int32
    /// The bound address: `127.0.0.1:7700`, `[::1]:7700`, a unix path, or `@name` (abstract).
    package var address: String

    /// Whether it is a unix stream socket (else TCP over IPv4 or IPv6).
    package var isUnix: Bool { self.family == AF_UNIX }

    /// Takes the sockets systemd passed to this process: none when `LISTEN_PID` is unset or names
    /// another process (an inherited environment is not an invitation). Call once, at startup;
    /// `LISTEN_*` are removed from the environment and every descriptor is made close-on-exec.
    /// - Throws: `ActivationError` when a passed descriptor is not a listening stream socket of
    ///   a supported family, naming the descriptor and its name.
    package static func takeAll() throws(ActivationError) -> [ActivatedSocket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        if count < 0 {
            throw ActivationError(
                code: .invalidEnvironment,
                message: "cannot read the sockets systemd passed (LISTEN_FDS): \(Errno(rawValue: -count))"
            )
        }
        var nameList: [String] = []
        if let names {
            for index in 0..<Int(count) {
                nameList.append(names[index].map { String(cString: $0) } ?? "unknown")
                free(names[index])
            }
            free(names)
        }
        var sockets: [ActivatedSocket] = []
        for index in 0..<Int(count) {
            let descriptor = SD_LISTEN_FDS_START + Int32(index)
            let name = index < nameList.count ? nameList[index] : "unknown"
            sockets.append(try Self.check(descriptor, name: name))
        }
        return sockets
    }

    private static func check(_ descriptor: Int32, name: String) throws(ActivationError) -> ActivatedSocket {
        func fail(_ problem: String) -> ActivationError {
            ActivationError(code: .unsupportedSocket, message: "socket fd \(descriptor) ('\(name)') \(problem)")
        }
        // sd_is_socket: 1 when it is a socket of that type and listening state, 0 when not.
        let isListeningStream = sd_is_socket(descriptor, AF_UNSPEC, Int32(SOCK_STREAM.rawValue), 1)
        if isListeningStream < 0 {
            throw fail("cannot be inspected: \(Errno(rawValue: -isListeningStream))")
        }
        guard isListeningStream > 0 else {
            throw fail("is not a listening stream socket (use ListenStream= in the socket unit)")
        }
        let facts: (family: Int32, type: Int32, listening: Bool)
        let address: String
        do {
            facts = try SocketCalls.socketFacts(descriptor)
            address = try SocketCalls.localAddress(descriptor)
        } catch {
            throw fail("cannot be inspected: \(error)")
        }
        guard facts.family == AF_INET || facts.family == AF_INET6 || facts.family == AF_UNIX else {
            throw fail("has address family \(facts.family); rpcd serves TCP (IPv4, IPv6) and unix sockets")
        }
        return ActivatedSocket(descriptor: descriptor, name: name, family: facts.family, address: address)
    }
}

/// Sockets passed by systemd that rpcd cannot use.
package struct ActivationError: Error, Sendable, CustomStringConvertible {
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// `LISTEN_FDS`/`LISTEN_PID` could not be read.
        package static let invalidEnvironment = Code("invalidEnvironment")
        /// A descriptor is not a listening TCP or unix stream socket.
        package static let unsupportedSocket = Code("unsupportedSocket")
    }

    package var code: Code
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { self.message }
}
