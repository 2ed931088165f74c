/// One call as the access log writes it (DESIGN §11), before the timestamp and worker are added.
package struct AccessLogRecord: Sendable, Hashable {
    /// `ndjson`, `length-prefix`, `http`, ….
    package var transport: String
    /// The peer as the transport reported it (NIO's `[IPv4]host/addr:port` is shortened to `addr:port`).
    package var peer: String?
    /// The name the caller authenticated as; nil when none.
    package var credential: String?
    /// The method as sent; empty (written `-`) when the request had none.
    package var method: String
    /// The JSON-RPC error code, or nil for `ok`.
    package var errorCode: Int?
    /// How long the handler ran.
    package var durationMicroseconds: Int64
    /// The request's bytes (a batch element's own).
    package var requestBytes: Int
    /// The response's bytes; 0 for a notification.
    package var responseBytes: Int

    /// Creates a record.
    package init(
        transport: String,
        peer: String?,
        credential: String?,
        method: String,
        errorCode: Int?,
        durationMicroseconds: Int64,
        requestBytes: Int,
        responseBytes: Int
    ) {
        self.transport = transport
        self.peer = peer
        self.credential = credential
        self.method = method
        self.errorCode = errorCode
        self.durationMicroseconds = durationMicroseconds
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
    }
}
