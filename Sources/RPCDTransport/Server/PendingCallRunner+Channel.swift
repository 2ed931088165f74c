internal import NIOCore

extension PendingCallRunner {
    /// Runs `work` (a call's async part) and hands its response back to `handler` on the event loop
    /// of `context`, where channel handlers live.
    ///
    /// - Parameters:
    ///   - work: What the dispatcher returned as `.pending`; nil means no reply.
    ///   - handler: The handler the response goes back to; kept alive until then.
    ///   - context: The handler's context, passed back with the response.
    ///   - completion: Called on the event loop with the handler, the response and the context.
    func submit<Handler: AnyObject>(
        _ work: @escaping @Sendable () async -> [UInt8]?,
        for handler: Handler,
        context: ChannelHandlerContext,
        then completion: @escaping (Handler, [UInt8]?, ChannelHandlerContext) -> Void
    ) {
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler, context, completion), eventLoop: eventLoop)
        self.submit {
            let response = await work()
            eventLoop.execute {
                let (handler, context, completion) = bound.value
                completion(handler, response, context)
            }
        }
    }
}
