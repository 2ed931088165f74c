import JSONRPC

/// What a stream connection must send back for the bytes received so far, computed without the
/// transport: NDJSON lines (a `\r` before `\n` dropped) or 4-byte big-endian length prefixes, each
/// frame answered as the dispatcher answers it alone, blank frames as the transport specifies,
/// and the first frame over the limit answered -32005 and the connection closed.
struct StreamModel {
    enum Framing {
        case ndjson
        case length
    }

    let framing: Framing
    let limit: Int
    /// A dispatcher of its own, so that the harness can compare the two dispatchers' counters.
    let dispatcher: Dispatcher
    private(set) var pending: [UInt8] = []
    private(set) var expected: [UInt8] = []
    private(set) var closed = false
    /// How much of the input the caller has passed to ``receive(_:)``.
    var consumed = 0
    /// Whether the first bytes are known not to start an HTTP request line.
    private var pastRequestLineCheck = false
    private static let httpMethods = ["GET ", "POST ", "PUT ", "OPTIONS ", "HEAD ", "DELETE ", "CONNECT ", "PATCH "]

    init(framing: Framing, limit: Int, dispatcher: Dispatcher) {
        self.framing = framing
        self.limit = limit
        self.dispatcher = dispatcher
    }

    mutating func receive(_ bytes: some Sequence<UInt8>) {
        guard !closed else { return }
        pending.append(contentsOf: bytes)
        if !pastRequestLineCheck {
            // The cross-protocol guard (DESIGN §11): a connection that starts like an HTTP
            // request line is closed unanswered; nothing runs until its first bytes tell.
            let starts = Self.httpMethods.map { Array($0.utf8) }
            if starts.contains(where: { pending.starts(with: $0) }) {
                closed = true
                return
            }
            if starts.contains(where: { $0.starts(with: pending) }) {
                return
            }
            pastRequestLineCheck = true
        }
        while !closed, let frame = nextFrame() {
            answer(frame)
        }
    }

    /// The next complete frame, or nil; closes on an oversized one.
    private mutating func nextFrame() -> [UInt8]? {
        switch framing {
        case .ndjson:
            guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else {
                let counted = pending.last == UInt8(ascii: "\r") ? pending.count - 1 : pending.count
                if counted > limit { refuse() }
                return nil
            }
            var line = Array(pending[..<newline])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            pending.removeSubrange(...newline)
            guard line.count <= limit else {
                refuse()
                return nil
            }
            return line
        case .length:
            guard pending.count >= 4 else { return nil }
            let length = pending[0..<4].reduce(0) { $0 << 8 | Int($1) }
            guard length <= limit else {
                refuse()
                return nil
            }
            guard pending.count >= 4 + length else { return nil }
            let frame = Array(pending[4..<(4 + length)])
            pending.removeSubrange(..<(4 + length))
            return frame
        }
    }

    private mutating func answer(_ frame: [UInt8]) {
        let blank = frame.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if blank {
            if framing == .length { emit(Dispatcher.errorResponse(.parseError("empty message"))) }
            return
        }
        switch dispatcher.dispatch(frame, context: RequestContext(transport: "fuzz")) {
        case .noReply: break
        case .reply(let response): emit(response)
        case .pending, .deferred: FuzzCheck.fail("every method is synchronous, yet the outcome is pending")
        }
    }

    private mutating func refuse() {
        emit(Dispatcher.errorResponse(.requestTooLarge))
        closed = true
    }

    private mutating func emit(_ response: [UInt8]) {
        switch framing {
        case .ndjson:
            expected += response + [UInt8(ascii: "\n")]
        case .length:
            let count = UInt32(response.count)
            expected += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) } + response
        }
    }
}
