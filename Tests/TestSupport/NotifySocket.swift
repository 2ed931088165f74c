import Foundation
import Glibc

/// A fake `NOTIFY_SOCKET`: the datagram socket systemd would listen on, bound by a test so that
/// it can read what rpcd announces and check which process sent it (`SO_PASSCRED`).
public final class NotifySocket {
    /// One datagram: its assignments, the sender's pid and when it arrived.
    public struct Message: Sendable, CustomStringConvertible {
        public var fields: [String: String]
        public var senderPID: Int32
        public var receivedAt: ContinuousClock.Instant
        public var text: String

        public subscript(_ name: String) -> String? { self.fields[name] }
        public var description: String { "pid \(self.senderPID): \(self.text.debugDescription)" }
    }

    /// The path to put in `NOTIFY_SOCKET`.
    public let path: String
    private let descriptor: Int32

    public init(path: String) throws {
        self.path = path
        self.descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard self.descriptor >= 0 else {
            throw TestSupportError(.systemCall, "socket: \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(self.descriptor, SOL_SOCKET, SO_PASSCRED, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(self.descriptor)
            throw TestSupportError(.systemCall, "bind \(path): \(message)")
        }
    }

    deinit {
        close(self.descriptor)
        unlink(self.path)
    }

    /// The next datagram, or nil when none arrives within `timeout`.
    public func receive(timeout: Duration) throws -> Message? {
        var pollEntry = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, timeout / .milliseconds(1)))
        let ready = poll(&pollEntry, 1, milliseconds)
        guard ready > 0 else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        // struct cmsghdr (len: size_t, level: int, type: int) followed by struct ucred (pid, uid, gid).
        var control = [UInt8](repeating: 0, count: 64)
        let received = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var header = msghdr()
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    header.msg_control = controlBytes.baseAddress
                    header.msg_controllen = controlBytes.count
                    return recvmsg(self.descriptor, &header, 0)
                }
            }
        }
        guard received >= 0 else {
            throw TestSupportError(.systemCall, "recvmsg: \(String(cString: strerror(errno)))")
        }
        var senderPID: Int32 = 0
        let level = control.withUnsafeBytes { $0.load(fromByteOffset: 8, as: Int32.self) }
        let type = control.withUnsafeBytes { $0.load(fromByteOffset: 12, as: Int32.self) }
        if level == SOL_SOCKET, type == 2 {  // SCM_CREDENTIALS
            senderPID = control.withUnsafeBytes { $0.load(fromByteOffset: 16, as: Int32.self) }
        }
        let text = String(decoding: buffer.prefix(received), as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if let equals = line.firstIndex(of: "=") {
                fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        return Message(fields: fields, senderPID: senderPID, receivedAt: .now, text: text)
    }

    /// Reads datagrams until one satisfies `predicate`, returning it and those skipped before it.
    /// - Throws: when none arrives within `timeout`.
    public func receive(
        timeout: Duration,
        until predicate: (Message) -> Bool
    ) throws -> (match: Message, skipped: [Message]) {
        let deadline = ContinuousClock.now + timeout
        var skipped: [Message] = []
        while ContinuousClock.now < deadline {
            guard let message = try self.receive(timeout: deadline - .now) else {
                break
            }
            if predicate(message) {
                return (message, skipped)
            }
            skipped.append(message)
        }
        throw TestSupportError(.timedOut, "no matching notification within \(timeout); got \(skipped)")
    }

    /// Every datagram arriving within `duration`.
    public func collect(for duration: Duration) throws -> [Message] {
        let deadline = ContinuousClock.now + duration
        var messages: [Message] = []
        while ContinuousClock.now < deadline {
            guard let message = try self.receive(timeout: deadline - .now) else {
                break
            }
            messages.append(message)
        }
        return messages
    }
}
