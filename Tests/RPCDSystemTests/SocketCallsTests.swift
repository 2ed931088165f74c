import RPCDSystem
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketCallsTests {
    @Test func aStreamPairCarriesBytesBothWays() throws {
        let (left, right) = try SocketCalls.streamPair()
        defer {
            SocketCalls.close(left)
            SocketCalls.close(right)
        }
        #expect(isCloseOnExec(left) && isCloseOnExec(right))
        try writeAll(left, "ping")
        #expect(try readSome(right) == "ping")
        try writeAll(right, "pong")
        #expect(try readSome(left) == "pong")
        let facts = try SocketCalls.socketFacts(left)
        #expect(facts.family == AF_UNIX)
        #expect(facts.type == Int32(SOCK_STREAM.rawValue))
        #expect(!facts.listening)
    }

    @Test func peerCredentialsOfASocketpairAreOurs() throws {
        let (left, right) = try SocketCalls.streamPair()
        defer {
            SocketCalls.close(left)
            SocketCalls.close(right)
        }
        let credentials = try SocketCalls.peerCredentials(left)
        #expect(credentials.pid == getpid())
        #expect(credentials.uid == getuid())
        #expect(credentials.gid == getgid())
    }

    @Test func listenTCPOnIPv4LoopbackBindsAnEphemeralPort() throws {
        let listener = try SocketCalls.listenTCP(host: "127.0.0.1", port: 0)
        defer { SocketCalls.close(listener) }
        #expect(isCloseOnExec(listener))
        let address = try SocketCalls.localAddress(listener)
        #expect(address.hasPrefix("127.0.0.1:"))
        let port = try #require(Int(address.dropFirst("127.0.0.1:".count)))
        #expect(port > 0)

        let facts = try SocketCalls.socketFacts(listener)
        #expect(facts.family == AF_INET)
        #expect(facts.type == Int32(SOCK_STREAM.rawValue))
        #expect(facts.listening)

        try connectAndExchange(listener: listener, family: AF_INET, host: "127.0.0.1", port: port)
    }

    @Test(arguments: ["::1", "[::1]"])
    func listenTCPOnIPv6LoopbackBindsAnEphemeralPort(_ host: String) throws {
        let listener = try SocketCalls.listenTCP(host: host, port: 0)
        defer { SocketCalls.close(listener) }
        let address = try SocketCalls.localAddress(listener)
        #expect(address.hasPrefix("[::1]:"))
        let port = try #require(Int(address.dropFirst("[::1]:".count)))
        #expect(port > 0)
        #expect(try SocketCalls.socketFacts(listener).family == AF_INET6)

        var v6Only: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(listener, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6Only, &length) == 0)
        #expect(v6Only == 1)

        try connectAndExchange(listener: listener, family: AF_INET6, host: "::1", port: port)
    }

    @Test func listenTCPResolvesNames() throws {
        let listener = try SocketCalls.listenTCP(host: "localhost", port: 0)
        defer { SocketCalls.close(listener) }
        let address = try SocketCalls.localAddress(listener)
        #expect(address.hasPrefix("127.0.0.1:") || address.hasPrefix("[::1]:"))
    }

    @Test func aPortInUseFailsInBind() throws {
        let first = try SocketCalls.listenTCP(host: "127.0.0.1", port: 0)
        defer { SocketCalls.close(first) }
        let address = try SocketCalls.localAddress(first)
        let port = try #require(Int(address.dropFirst("127.0.0.1:".count)))
        #expect {
            _ = try SocketCalls.listenTCP(host: "127.0.0.1", port: port)
        } throws: { error in
            let error = error as? SystemCallError
            return "\(error?.call ?? "")" == "bind" && error?.errno == .addressInUse
        }
    }

    @Test(arguments: [-1, 65_536])
    func aPortOutOfRangeIsRefused(_ port: Int) {
        #expect {
            _ = try SocketCalls.listenTCP(host: "127.0.0.1", port: port)
        } throws: { error in
            (error as? SystemCallError)?.errno == .invalidArgument
        }
    }

    @Test func listenUnixAndTheConnectProbe() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let path = directory.path + "/rpc.sock"
        #expect(!SocketCalls.unixSocketAnswers(path))  // ENOENT

        let listener = try SocketCalls.listenUnix(path: path)
        #expect(isCloseOnExec(listener))
        #expect(try SocketCalls.localAddress(listener) == path)
        let facts = try SocketCalls.socketFacts(listener)
        #expect(facts.family == AF_UNIX)
        #expect(facts.type == Int32(SOCK_STREAM.rawValue))
        #expect(facts.listening)
        #expect(SocketCalls.unixSocketAnswers(path))

        // The probe's connection sits in the backlog; accepting it shows our own credentials.
        let accepted = try acceptConnection(listener)
        defer { SocketCalls.close(accepted) }
        #expect(try SocketCalls.peerCredentials(accepted).pid == getpid())

        // A stale socket file (nobody listening) refuses connections. Other tests spawn processes
        // concurrently, and a child holds a copy of every descriptor (close-on-exec or not) until
        // its exec: allow that moment to pass.
        SocketCalls.close(listener)
        try Poll.until("refusal from the closed socket \(path)", timeout: .seconds(2), interval: .milliseconds(1)) {
            !SocketCalls.unixSocketAnswers(path)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aListenerWithAFullBacklogAnswersWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let path = directory.path + "/busy.sock"
        let listener = try SocketCalls.listenUnix(path: path, backlog: 0)
        defer { SocketCalls.close(listener) }
        // Nothing is accepted: the first probe fills the queue, the second gets EAGAIN (a blocking
        // connect would wait here for good).
        #expect(SocketCalls.unixSocketAnswers(path))
        #expect(SocketCalls.unixSocketAnswers(path))
        #expect(SocketCalls.unixSocketAnswers(path))
    }

    @Test func aRegularFileDoesNotAnswer() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let path = directory.path + "/plain"
        let file = try syscall("open") { open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600) }
        SocketCalls.close(file)
        #expect(!SocketCalls.unixSocketAnswers(path))
        #expect(!SocketCalls.unixSocketAnswers(path + "/below-a-file"))
    }

    @Test func listenUnixOnAnExistingPathFails() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let path = directory.path + "/rpc.sock"
        let listener = try SocketCalls.listenUnix(path: path)
        defer { SocketCalls.close(listener) }
        #expect {
            _ = try SocketCalls.listenUnix(path: path)
        } throws: { error in
            (error as? SystemCallError)?.errno == .addressInUse
        }
    }

    @Test func aTooLongUnixPathIsRefused() {
        let path = "/tmp/" + String(repeating: "x", count: 120)
        #expect {
            _ = try SocketCalls.listenUnix(path: path)
        } throws: { error in
            (error as? SystemCallError)?.errno == .fileNameTooLong
        }
        #expect(!SocketCalls.unixSocketAnswers(path))
    }

    @Test func socketFactsOfANonSocketThrowENOTSOCK() throws {
        let file = try syscall("open") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { SocketCalls.close(file) }
        #expect {
            _ = try SocketCalls.socketFacts(file)
        } throws: { error in
            (error as? SystemCallError)?.errno == .notSocket
        }
    }

    @Test func closeReleasesTheDescriptor() throws {
        let (left, right) = try SocketCalls.streamPair()
        SocketCalls.close(left)
        // The peer sees EOF once its only counterpart is closed.
        #expect(try readSome(right) == "")
        SocketCalls.close(right)
    }
}

/// One read of up to 4 KiB, as text ("" at EOF).
private func readSome(_ descriptor: Int32) throws -> String {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = try buffer.withUnsafeMutableBytes { raw in
        try syscall("read") { read(descriptor, raw.baseAddress, raw.count) }
    }
    return String(decoding: buffer[..<count], as: UTF8.self)
}

/// Connects a client to `port` on loopback, accepts it on `listener`, and sends a line each way.
private func connectAndExchange(listener: Int32, family: Int32, host: String, port: Int) throws {
    let client = try syscall("socket") { socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0) }
    defer { SocketCalls.close(client) }
    if family == AF_INET {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        #expect(inet_pton(AF_INET, host, &address.sin_addr) == 1)
        _ = try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try syscall("connect") { connect(client, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    } else {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = UInt16(port).bigEndian
        #expect(inet_pton(AF_INET6, host, &address.sin6_addr) == 1)
        _ = try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try syscall("connect") { connect(client, raw, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
    let accepted = try acceptConnection(listener)
    defer { SocketCalls.close(accepted) }
    try writeAll(client, "hello")
    #expect(try readSome(accepted) == "hello")
    try writeAll(accepted, "world")
    #expect(try readSome(client) == "world")
}
