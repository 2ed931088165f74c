/// One answered call, as a ``CallObserver`` is told of it.
public struct ObservedCall: Sendable, Hashable {
    /// The method name as sent; empty when the request had none (an invalid request, a parse error).
    public var method: String
    /// The JSON-RPC error code it was answered with, or `nil` for a result.
    public var errorCode: Int?
    /// How long the handler ran; zero for calls answered without running one.
    public var duration: Duration
    /// The request's bytes: the whole message for a single call, the element's own JSON value in a batch.
    public var requestBytes: Int
    /// The response's bytes (the JSON object, without framing or the batch's brackets); 0 for a notification.
    public var responseBytes: Int

    /// Creates a record.
    public init(method: String, errorCode: Int?, duration: Duration, requestBytes: Int, responseBytes: Int) {
        self.method = method
        self.errorCode = errorCode
        self.duration = duration
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
    }
}

extension ObservedCall {
    /// The record of a call that ended with `outcome` after running since `started`.
    init(
        _ method: String,
        _ outcome: Result<JSONValue, JSONRPCError>,
        since started: ContinuousClock.Instant?,
        requestBytes: Int,
        responseBytes: Int
    ) {
        let errorCode: Int?
        switch outcome {
        case .success: errorCode = nil
        case .failure(let error): errorCode = error.code
        }
        self.init(
            method: method,
            errorCode: errorCode,
            duration: started.map { ContinuousClock.now - $0 } ?? .zero,
            requestBytes: requestBytes,
            responseBytes: responseBytes
        )
    }
}
