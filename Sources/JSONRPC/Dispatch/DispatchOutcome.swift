/// What a transport should do after dispatching one message.
public enum DispatchOutcome: Sendable {
    /// Nothing to send: the message held only notifications, or was blank (only whitespace).
    case noReply
    /// The complete serialized response (an object or a batch array), without a trailing newline.
    case reply([UInt8])
    /// At least one call has an async handler: await the closure to run those handlers and get the complete
    /// response (`nil` means no reply, e.g. for async notifications). It must be awaited even when no reply is
    /// expected, because it is what runs the handlers.
    case pending(@Sendable () async -> [UInt8]?)
    /// A call routed to a ``MethodRouter`` handler that answers through a callback: run the closure with
    /// a completion, which receives the complete response (`nil`: no reply) exactly once, on any thread.
    /// No task runs: the transport hands the response back to its connection's event loop itself.
    case deferred(@Sendable (_ completion: @escaping @Sendable ([UInt8]?) -> Void) -> Void)
}
