/// A ``StreamSocket`` with a receive buffer, for the framing helpers of the protocol clients.
public final class BufferedConnection {
    /// The socket.
    public let socket: StreamSocket
    /// Bytes received and not yet consumed.
    public private(set) var buffered: [UInt8] = []
    /// Whether the peer has closed the connection (everything after ``buffered`` is gone).
    public private(set) var reachedEnd = false

    /// Connects to `endpoint`.
    public init(connectingTo endpoint: SocketEndpoint, timeout: Duration = .seconds(5)) throws {
        self.socket = try StreamSocket.connect(to: endpoint, timeout: timeout)
    }

    /// Sends all of `bytes`.
    public func send(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws {
        try self.socket.send(bytes, timeout: timeout)
    }

    /// Receives once more into the buffer.
    /// - Returns: false when the peer has closed the connection.
    /// - Throws: ``TestSupportError/Code/timedOut`` when nothing arrives before `deadline`.
    private func fill(
        before deadline: ContinuousClock.Instant,
        waitingFor what: @autoclosure () -> String
    ) throws -> Bool {
        if self.reachedEnd {
            return false
        }
        let remaining = deadline - .now
        guard remaining > .zero else {
            throw TestSupportError(.timedOut, "no \(what()) yet; buffered: \(self.bufferedDescription)")
        }
        switch try self.socket.receive(timeout: remaining) {
        case .bytes(let bytes):
            self.buffered.append(contentsOf: bytes)
            return true
        case .closed:
            self.reachedEnd = true
            return false
        case .timedOut:
            throw TestSupportError(.timedOut, "no \(what()) yet; buffered: \(self.bufferedDescription)")
        }
    }

    /// Reads up to `delimiter` and consumes it.
    /// - Returns: the bytes before the delimiter, or nil when the connection ended first (any
    ///   partial data stays in ``buffered``).
    public func read(upTo delimiter: [UInt8], timeout: Duration) throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var searchFrom = 0
        while true {
            if let range = self.firstRange(of: delimiter, from: searchFrom) {
                let result = Array(self.buffered[..<range.lowerBound])
                self.buffered.removeSubrange(..<range.upperBound)
                return result
            }
            searchFrom = max(0, self.buffered.count - delimiter.count + 1)
            guard try self.fill(before: deadline, waitingFor: "delimiter \(delimiter)") else {
                return nil
            }
        }
    }

    /// Reads exactly `count` bytes.
    /// - Returns: nil when the connection ended first.
    public func read(exactly count: Int, timeout: Duration) throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while self.buffered.count < count {
            guard try self.fill(before: deadline, waitingFor: "\(count) bytes") else {
                return nil
            }
        }
        let result = Array(self.buffered[..<count])
        self.buffered.removeSubrange(..<count)
        return result
    }

    /// Reads until the peer closes the connection.
    /// - Throws: ``TestSupportError/Code/timedOut`` when it is still open after `timeout`.
    public func readToEnd(timeout: Duration) throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while try self.fill(before: deadline, waitingFor: "end of stream") {}
        let result = self.buffered
        self.buffered = []
        return result
    }

    /// Waits up to `timeout` for the peer to close the connection; bytes arriving meanwhile are
    /// kept in ``buffered``.
    /// - Returns: whether the peer closed (or reset) it in time.
    public func waitForClose(timeout: Duration) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        do {
            while try self.fill(before: deadline, waitingFor: "end of stream") {}
            return true
        } catch let error as TestSupportError where error.code == .timedOut {
            return false
        }
    }

    /// Waits for `duration` and reports whether nothing at all arrived and the connection stayed
    /// open, for checking that a request is *not* answered.
    public func staysSilent(for duration: Duration) throws -> Bool {
        guard self.buffered.isEmpty, !self.reachedEnd else { return false }
        switch try self.socket.receive(timeout: duration) {
        case .bytes(let bytes):
            self.buffered.append(contentsOf: bytes)
            return false
        case .closed:
            self.reachedEnd = true
            return false
        case .timedOut:
            return true
        }
    }

    /// Closes the connection.
    public func close() {
        self.socket.close()
    }

    private func firstRange(of delimiter: [UInt8], from start: Int) -> Range<Int>? {
        guard self.buffered.count >= delimiter.count else { return nil }
        var index = start
        while index + delimiter.count <= self.buffered.count {
            if self.buffered[index] == delimiter[0], Array(self.buffered[index..<index + delimiter.count]) == delimiter
            {
                return index..<index + delimiter.count
            }
            index += 1
        }
        return nil
    }

    private var bufferedDescription: String {
        let prefix = self.buffered.prefix(512)
        return "\(self.buffered.count) bytes \"\(String(decoding: prefix, as: UTF8.self))\""
    }
}
