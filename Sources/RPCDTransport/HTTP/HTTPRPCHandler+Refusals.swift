internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// The requests an HTTP connection refuses after reading them: without a valid credential (401
/// after a delay, or 429 from an address locked out), and with malformed framing (400).
extension HTTPRPCHandler {
    /// Answers 401 after a delay (which slows down guessing) and logs the attempt; requests
    /// pipelined behind it wait, as behind an async call.
    func refuseUnauthorized(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let peer = self.requestContext.peer
        if let refusal = HTTPAccessRefusal.lockedOut(
            self.bearer?.authentication,
            head: head,
            peer: peer,
            logger: self.logger
        ) {
            self.state = .idle
            return self.send(refusal, context: context)
        }
        self.state = .waiting
        self.lifecycle.callStarted()
        self.logger.warning(
            "authentication failed",
            metadata: [
                "peer": "\(self.requestContext.peer ?? "?")", "transport": "http",
                "reason": "\(HTTPAuthentication.failureReason(head))",
            ]
        )
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: HTTPAuthentication.failureDelay) {
            let (handler, context) = bound.value
            guard handler.lifecycle.isAnswering else { return }
            handler.state = .idle
            handler.send(.unauthorized(answering: head), context: context)
            handler.resumeAfterWaiting(context: context)
        }
    }

    /// Malformed or ambiguous framing (e.g. both Content-Length and Transfer-Encoding): nothing
    /// after it on this connection can be trusted, so nothing after it runs.
    func refuseMalformedRequest(_ error: any Error, context: ChannelHandlerContext) {
        self.logger.notice(
            "bad HTTP request",
            metadata: ["peer": "\(self.requestContext.peer ?? "?")", "error": "\(error)"]
        )
        self.send(.badRequest, context: context)
    }
}
