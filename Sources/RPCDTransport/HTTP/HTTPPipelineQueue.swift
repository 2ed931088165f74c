internal import NIOCore
internal import NIOHTTP1

/// Request parts that arrived while a response was pending (an async call, a delayed 401),
/// replayed in order once it has been sent, so that pipelined requests are answered strictly in
/// the order they came.
struct HTTPPipelineQueue {
    private var parts = CircularBuffer<HTTPServerRequestPart>()
    /// A malformed request came behind the queued parts; it is answered with 400 after them.
    private(set) var malformedRequestQueued = false

    /// Whether no request part waits (a malformed request behind them does not count).
    var isEmpty: Bool { self.parts.isEmpty }

    /// Queues a part that arrived while waiting.
    mutating func append(_ part: HTTPServerRequestPart) {
        self.parts.append(part)
    }

    /// Notes that the decoder found a malformed request after what is queued; nothing follows it.
    mutating func appendMalformedRequest() {
        self.malformedRequestQueued = true
    }

    /// The oldest queued part, removed.
    mutating func popFirst() -> HTTPServerRequestPart? {
        self.parts.popFirst()
    }

    /// Whether the next thing to answer is the malformed request (every part before it has been
    /// replayed); it is taken off the queue.
    mutating func takeMalformedRequest() -> Bool {
        guard self.parts.isEmpty, self.malformedRequestQueued else { return false }
        self.malformedRequestQueued = false
        return true
    }
}
