package import NIOCore

/// The limits a transport enforces on every connection.
package struct TransportLimits: Sendable {
    /// Largest request message (NDJSON line, length-prefixed frame or HTTP body), inclusive.
    package var maxRequestBytes: Int
    /// Open client connections per process; at the limit the listeners stop accepting.
    package var maxConnections: Int
    /// A connection with no traffic and nothing in flight for this long is closed.
    package var idleTimeout: TimeAmount
    /// Async calls one stream connection may have running before reading from it pauses.
    package var maxInFlightPerConnection: Int

    package init(
        maxRequestBytes: Int = 5 * 1024 * 1024,
        maxConnections: Int = 4096,
        idleTimeout: TimeAmount = .seconds(300),
        maxInFlightPerConnection: Int = 1024
    ) {
        self.maxRequestBytes = maxRequestBytes
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxInFlightPerConnection = maxInFlightPerConnection
    }
}
