/// Told of every call the dispatcher answers, e.g. to write an access log.
///
/// The dispatcher holds at most one (``Dispatcher/init(registry:limits:serverInfo:observer:)``); without one
/// nothing is measured or built for it, so an unobserved dispatcher pays nothing. The protocol core keeps no
/// log of its own: what is done with a call is the observer's business.
public protocol CallObserver: AnyObject, Sendable {
    /// One call has been answered (or, for a notification, has run).
    ///
    /// Called on the thread that finished the call: the dispatching thread for synchronous handlers, any
    /// thread for async and routed ones. It must not block for long.
    /// - Parameters:
    ///   - call: What was called, how it ended, and its sizes.
    ///   - context: The connection's context (transport, peer, credential).
    func callCompleted(_ call: ObservedCall, context: RequestContext)
}
