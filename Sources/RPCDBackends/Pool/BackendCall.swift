internal import JSONRPC
internal import NIOConcurrencyHelpers

/// One call routed to a backend: its request line without the id, serialized once, and the one
/// answer its caller gets (whichever of the backend and the pool comes first; later ones are dropped).
final class BackendCall: Sendable {
    /// `{"jsonrpc":"2.0","method":M,"params":P`; `,"id":N}` or `}` and a newline end it when written.
    let head: [UInt8]
    /// Set until the answer is given, then nil: the completion runs once.
    private let completion: NIOLockedValueBox<(@Sendable (Result<JSONValue, JSONRPCError>) -> Void)?>

    init(method: String, params: Params, completion: @escaping @Sendable (Result<JSONValue, JSONRPCError>) -> Void) {
        var writer = JSONWriter(capacity: 64 + method.utf8.count)
        writer.writeRaw("{\"jsonrpc\":\"2.0\",\"method\":")
        writer.write(method)
        if let value = params.jsonValue {
            writer.writeRaw(",\"params\":")
            writer.write(value)
        }
        self.head = writer.bytes
        self.completion = NIOLockedValueBox(completion)
    }

    /// The answer, if none was given yet; anything but a JSON-RPC error is an internal error.
    func give(_ result: Result<JSONValue, any Error>) {
        let completion = self.completion.withLockedValue { completion in
            defer { completion = nil }
            return completion
        }
        completion?(result.mapError { ($0 as? JSONRPCError) ?? .internalError })
    }
}
