/// Limits the dispatcher enforces on every message.
public struct DispatchLimits: Sendable {
    /// The most requests accepted in one batch; a longer batch gets a single -32600 error.
    public var maxBatch: Int
    /// The deepest nesting of arrays and objects accepted (the top-level value is depth 1); deeper is -32600.
    /// Values above ``JSONParser/depthCeiling`` (1 000) act as that ceiling.
    public var maxDepth: Int
    /// How long an async handler may run before the call is answered with -32002 and the handler is cancelled;
    /// `nil` means no limit. Synchronous handlers run inline and are not timed.
    public var requestTimeout: Duration?

    /// Creates limits; the defaults match rpcd's configuration defaults.
    public init(maxBatch: Int = 1000, maxDepth: Int = 64, requestTimeout: Duration? = .seconds(30)) {
        self.maxBatch = maxBatch
        self.maxDepth = maxDepth
        self.requestTimeout = requestTimeout
    }
}
