internal import JSONRPC
internal import NIOConcurrencyHelpers

/// One call routed to a backend: its request line without the id, serialized once, and the one
/// answer its handler awaits (whichever of the backend, the pool and the cancellation comes first).
final class BackendCall: Sendable {
    /// `{"jsonrpc":"2.0","method":M,"params":P`; `,"id":N}` or `}` and a newline end it when written.
    let head: [UInt8]
    private let answer = ExecAnswer()

    init(method: String, params: Params) {
        var writer = JSONWriter(capacity: 64 + method.utf8.count)
        writer.writeRaw("{\"jsonrpc\":\"2.0\",\"method\":")
        writer.write(method)
        if let value = params.jsonValue {
            writer.writeRaw(",\"params\":")
            writer.write(value)
        }
        self.head = writer.bytes
    }

    /// The handler waits; resumed at once if the answer is already there.
    func wait(_ continuation: CheckedContinuation<JSONValue, any Error>) {
        self.answer.wait(continuation)
    }

    /// The answer, if none was given yet.
    func give(_ result: Result<JSONValue, any Error>) {
        self.answer.give(result)
    }
}
