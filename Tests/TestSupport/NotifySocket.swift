import Foundation
import Glibc

/// A fake `NOTIFY_SOCKET`: the datagram socket systemd would listen on, bound by a test so that
/// it can read what rpcd announces and check which process sent it (`SO_PASSCRED`).
public final class NotifySocket {
    /// One datagram: its assignments, the sender's pid and when it arrived.
    public struct Message: Sendable, CustomStringConvertible {
        public var fields: [String: String]
        public var senderPID: Int32
        /// When the kernel queued it (`SO_TIMESTAMPNS`, wall clock since the epoch): unlike the
        /// moment the test gets round to reading it, this does not depend on how busy the test
        /// process is, so the gaps between two datagrams are the sender's.
        public var arrivedAt: Duration
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
        setsockopt(self.descriptor, SOL_SOCKET, Self.timestampOption, &one, socklen_t(MemoryLayout<Int32>.size))
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

    /// `SCM_CREDENTIALS`.
    private static let credentialsMessage: Int32 = 2
    /// `SO_TIMESTAMPNS` (also its control message type); glibc defines it through a macro
    /// Swift cannot import.
    private static let timestampOption: Int32 = 35

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
        // Room for two control messages: credentials and the arrival time.
        var control = [UInt8](repeating: 0, count: 128)
        let received = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var header = msghdr()
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    header.msg_control = controlBytes.baseAddress
                    header.msg_controllen = controlBytes.count
                    let count = recvmsg(self.descriptor, &header, 0)
                    return (count: count, controlLength: Int(header.msg_controllen))
                }
            }
        }
        guard received.count >= 0 else {
            throw TestSupportError(.systemCall, "recvmsg: \(String(cString: strerror(errno)))")
        }
        var senderPID: Int32 = 0
        var arrivedAt = Duration.zero
        // Each control message: struct cmsghdr (len: size_t, level: int, type: int), then its
        // data, the whole padded to 8 bytes (x86_64 and aarch64 alike).
        control.withUnsafeBytes { bytes in
            var offset = 0
            while offset + 16 <= received.controlLength {
                let length = bytes.load(fromByteOffset: offset, as: Int.self)
                let level = bytes.load(fromByteOffset: offset + 8, as: Int32.self)
                let type = bytes.load(fromByteOffset: offset + 12, as: Int32.self)
                guard length >= 16, offset + length <= received.controlLength else { break }
                if level == SOL_SOCKET, type == Self.credentialsMessage {
                    senderPID = bytes.load(fromByteOffset: offset + 16, as: Int32.self)
                } else if level == SOL_SOCKET, type == Self.timestampOption {
                    let seconds = bytes.load(fromByteOffset: offset + 16, as: Int.self)
                    let nanoseconds = bytes.load(fromByteOffset: offset + 24, as: Int.self)
                    arrivedAt = .seconds(seconds) + .nanoseconds(nanoseconds)
                }
                offset += (length + 7) & ~7
            }
        }
        let text = String(decoding: buffer.prefix(received.count), as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if let equals = line.firstIndex(of: "=") {
                fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        return Message(fields: fields, senderPID: senderPID, arrivedAt: arrivedAt, text: text)
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
