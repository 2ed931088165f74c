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

extension PendingCallRunner {
    /// Runs a routed call (the dispatcher's `.deferred`) without a task: its completion brings the
    /// response back to the event loop of `context` (directly when it comes on that loop after
    /// `work` returned, else with the other answers for that loop), and the call counts as
    /// running until then.
    ///
    /// - Parameters:
    ///   - work: What the dispatcher returned as `.deferred`.
    ///   - handler: The handler the response goes back to; kept alive until then.
    ///   - context: The handler's context, passed back with the response.
    ///   - completion: Called on the event loop with the handler, the response and the context.
    func start<Handler: AnyObject>(
        _ work: @Sendable (@escaping @Sendable ([UInt8]?) -> Void) -> Void,
        for handler: Handler,
        context: ChannelHandlerContext,
        then completion: @escaping (Handler, [UInt8]?, ChannelHandlerContext) -> Void
    ) {
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler, context, completion), eventLoop: eventLoop)
        // Set while `work` runs: an answer given inside it (a refusal) waits for the caller to finish.
        let starting = NIOLoopBoundBox(true, eventLoop: eventLoop)
        self.began()
        work { [self] response in
            let deliver: @Sendable () -> Void = {
                let (handler, context, completion) = bound.value
                self.ended()
                completion(handler, response, context)
            }
            if eventLoop.inEventLoop, !starting.value {
                deliver()
            } else {
                self.deliveries.run(deliver, on: eventLoop)
            }
        }
        starting.value = false
    }
}
