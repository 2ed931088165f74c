import Testing

@testable import RPCDTransport

@Suite("ConnectionLifecycle")
struct ConnectionLifecycleTests {
    typealias Lifecycle = ConnectionLifecycle
    typealias Actions = ConnectionLifecycle.Actions
    typealias Progress = ConnectionLifecycle.Progress

    /// One event, as the handlers report it. `readRequested` reports whether the read was passed
    /// on as `Actions(read:)`, so that every event can be compared the same way.
    enum Event: Sendable, CustomTestStringConvertible {
        case readRequested, messageBegan, messageEnded, readCompleted, responseWritten
        case callStarted, callFinished, finalResponse, drain, inputClosed, idleTimedOut, failed, channelInactive
        /// `leave(closingIdle: true)` (stream framings) and `leave(closingIdle: false)` (HTTP).
        case leaveStream, leaveHTTP

        var testDescription: String { "\(self)" }

        func apply(to lifecycle: inout Lifecycle) -> Actions {
            switch self {
            case .readRequested: return Actions(read: lifecycle.readRequested())
            case .messageBegan: lifecycle.messageBegan()
            case .messageEnded: lifecycle.messageEnded()
            case .readCompleted: return lifecycle.readCompleted()
            case .responseWritten: lifecycle.responseWritten()
            case .callStarted: lifecycle.callStarted()
            case .callFinished: return lifecycle.callFinished()
            // Reported as a read so that the table can show whether the final response may go.
            case .finalResponse: return Actions(read: lifecycle.finalResponse())
            case .drain: return lifecycle.drain()
            case .inputClosed: return lifecycle.inputClosed()
            case .idleTimedOut: return lifecycle.idleTimedOut()
            case .failed: return lifecycle.failed()
            case .channelInactive: lifecycle.channelInactive()
            case .leaveStream: return lifecycle.leave(closingIdle: true)
            case .leaveHTTP: return lifecycle.leave(closingIdle: false)
            }
            return .none
        }
    }

    /// A lifecycle brought into a state by a sequence of events (in-flight limit 2).
    struct Start: Sendable, CustomTestStringConvertible {
        var name: String
        var events: [Event]
        var testDescription: String { self.name }

        func make() -> Lifecycle {
            var lifecycle = Lifecycle(maxInFlight: 2)
            for event in self.events {
                _ = event.apply(to: &lifecycle)
            }
            return lifecycle
        }

        static let serving = Start(name: "serving", events: [])
        static let oneInFlight = Start(name: "serving, 1 in flight", events: [.callStarted])
        static let atLimitReadHeld = Start(
            name: "serving, at the limit, read held",
            events: [.callStarted, .callStarted, .readRequested]
        )
        static let unflushed = Start(name: "serving, unflushed", events: [.responseWritten])
        static let midMessage = Start(name: "serving, mid-message", events: [.messageBegan])
        static let draining = Start(name: "draining, 1 in flight", events: [.callStarted, .drain])
        static let drainingReadHeld = Start(
            name: "draining, 1 in flight, read held",
            events: [.callStarted, .drain, .readRequested]
        )
        static let drainingMidMessage = Start(name: "draining mid-message", events: [.messageBegan, .drain])
        static let inputClosed = Start(name: "input closed, 1 in flight", events: [.callStarted, .inputClosed])
        static let lingering = Start(name: "lingering", events: [.drain])
        static let closing = Start(name: "closing", events: [.finalResponse])
        static let closed = Start(name: "closed", events: [.channelInactive])
        static let answered = Start(name: "serving, answered before", events: [.responseWritten, .readCompleted])
        static let answeredInFlight = Start(
            name: "serving, answered before, 1 in flight",
            events: [.responseWritten, .readCompleted, .callStarted]
        )
        static let leaving = Start(name: "leaving", events: [.leaveHTTP])
        static let leavingInFlight = Start(name: "leaving, 1 in flight", events: [.callStarted, .leaveHTTP])
    }

    struct Transition: Sendable, CustomTestStringConvertible {
        var start: Start
        var event: Event
        var actions: Actions
        var state: Lifecycle.State
        var testDescription: String { "\(self.start.name) + \(self.event)" }
    }

    static func serving(_ progress: Progress = Progress()) -> Lifecycle.State { .serving(progress) }
    static func draining(_ progress: Progress, inputClosed: Bool = false) -> Lifecycle.State {
        .draining(progress, inputClosed: inputClosed)
    }

    static let flush = Actions(flush: true)
    static let read = Actions(read: true)
    static let closeNow = Actions(close: .now)
    static let linger = Actions(close: .halfCloseAndLinger)

    static let transitions: [Transition] = [
        // Serving: reads pass below the limit and are held at it.
        Transition(start: .serving, event: .readRequested, actions: read, state: serving()),
        Transition(start: .oneInFlight, event: .readRequested, actions: read, state: serving(Progress(inFlight: 1))),
        Transition(
            start: .atLimitReadHeld,
            event: .readRequested,
            actions: .none,
            state: serving(Progress(inFlight: 2, readHeld: true))
        ),
        Transition(start: .serving, event: .readCompleted, actions: .none, state: serving()),
        Transition(start: .unflushed, event: .readCompleted, actions: flush, state: serving(Progress(answered: true))),
        Transition(start: .oneInFlight, event: .callFinished, actions: .none, state: serving()),
        // A call finishing below the limit passes the held read on.
        Transition(
            start: .atLimitReadHeld,
            event: .callFinished,
            actions: read,
            state: serving(Progress(inFlight: 1))
        ),
        Transition(start: .serving, event: .drain, actions: linger, state: .lingering),
        Transition(
            start: .unflushed,
            event: .drain,
            actions: Actions(flush: true, close: .halfCloseAndLinger),
            state: .lingering
        ),
        Transition(start: .oneInFlight, event: .drain, actions: .none, state: draining(Progress(inFlight: 1))),
        Transition(
            start: .atLimitReadHeld,
            event: .drain,
            actions: .none,
            state: draining(Progress(inFlight: 2, readHeld: true))
        ),
        Transition(start: .serving, event: .inputClosed, actions: closeNow, state: .closing),
        Transition(
            start: .oneInFlight,
            event: .inputClosed,
            actions: .none,
            state: draining(Progress(inFlight: 1), inputClosed: true)
        ),
        Transition(start: .serving, event: .idleTimedOut, actions: closeNow, state: .closing),
        Transition(
            start: .unflushed,
            event: .idleTimedOut,
            actions: Actions(flush: true, close: .now),
            state: .closing
        ),
        Transition(start: .oneInFlight, event: .idleTimedOut, actions: .none, state: serving(Progress(inFlight: 1))),
        Transition(start: .serving, event: .failed, actions: closeNow, state: .closing),
        Transition(start: .oneInFlight, event: .finalResponse, actions: read, state: .closing),
        Transition(start: .serving, event: .channelInactive, actions: .none, state: .closed),

        // Mid-message (HTTP): a drain waits for the end of the message, an EOF does not.
        Transition(start: .midMessage, event: .drain, actions: .none, state: draining(Progress(midMessage: true))),
        Transition(start: .midMessage, event: .inputClosed, actions: closeNow, state: .closing),
        Transition(start: .midMessage, event: .idleTimedOut, actions: closeNow, state: .closing),
        Transition(start: .midMessage, event: .messageEnded, actions: .none, state: serving()),

        // Draining: reads are held between messages, the last call closes.
        Transition(
            start: .draining,
            event: .readRequested,
            actions: .none,
            state: draining(Progress(inFlight: 1, readHeld: true))
        ),
        Transition(start: .draining, event: .callFinished, actions: linger, state: .lingering),
        // The held read goes on while lingering, so that the peer's EOF is seen.
        Transition(
            start: .drainingReadHeld,
            event: .callFinished,
            actions: Actions(close: .halfCloseAndLinger, read: true),
            state: .lingering
        ),
        Transition(start: .draining, event: .readCompleted, actions: .none, state: draining(Progress(inFlight: 1))),
        Transition(
            start: .draining,
            event: .inputClosed,
            actions: .none,
            state: draining(Progress(inFlight: 1), inputClosed: true)
        ),
        Transition(start: .draining, event: .idleTimedOut, actions: .none, state: draining(Progress(inFlight: 1))),
        Transition(start: .draining, event: .finalResponse, actions: read, state: .closing),
        Transition(start: .draining, event: .failed, actions: closeNow, state: .closing),
        Transition(
            start: .drainingMidMessage,
            event: .readRequested,
            actions: read,
            state: draining(Progress(midMessage: true))
        ),
        Transition(start: .drainingMidMessage, event: .messageEnded, actions: .none, state: draining(Progress())),
        Transition(
            start: .drainingMidMessage,
            event: .readCompleted,
            actions: .none,
            state: draining(Progress(midMessage: true))
        ),

        // Input closed: the last answer closes outright.
        Transition(start: .inputClosed, event: .callFinished, actions: closeNow, state: .closing),
        Transition(
            start: .inputClosed,
            event: .drain,
            actions: .none,
            state: draining(Progress(inFlight: 1), inputClosed: true)
        ),

        // Lingering: reads go on (and are dropped) until the peer's EOF.
        Transition(start: .lingering, event: .readRequested, actions: read, state: .lingering),
        Transition(start: .lingering, event: .inputClosed, actions: closeNow, state: .closing),
        Transition(start: .lingering, event: .drain, actions: .none, state: .lingering),
        Transition(start: .lingering, event: .readCompleted, actions: .none, state: .lingering),
        Transition(start: .lingering, event: .idleTimedOut, actions: closeNow, state: .closing),
        Transition(start: .lingering, event: .failed, actions: closeNow, state: .closing),
        Transition(start: .lingering, event: .finalResponse, actions: .none, state: .lingering),
        Transition(start: .lingering, event: .responseWritten, actions: .none, state: .lingering),

        // Out of rotation (DESIGN §12). A stream connection that answered before drains like a
        // stop's drain: idle, it closes at this boundary; busy, after its last answer.
        Transition(start: .answered, event: .leaveStream, actions: linger, state: .lingering),
        Transition(
            start: .answeredInFlight,
            event: .leaveStream,
            actions: .none,
            state: draining(Progress(inFlight: 1, answered: true))
        ),
        // A connection that has not answered yet (just accepted) is served once first.
        Transition(start: .serving, event: .leaveStream, actions: .none, state: serving(Progress(leaving: true))),
        // HTTP never cuts an idle keep-alive connection: a request may be on its way on it.
        Transition(
            start: .answered,
            event: .leaveHTTP,
            actions: .none,
            state: serving(Progress(answered: true, leaving: true))
        ),
        Transition(
            start: .oneInFlight,
            event: .leaveHTTP,
            actions: .none,
            state: serving(Progress(inFlight: 1, leaving: true))
        ),
        // The answer a leaving connection waits for: it is flushed, then the connection closes.
        Transition(
            start: Start(name: "leaving, answer written", events: [.leaveStream, .responseWritten]),
            event: .readCompleted,
            actions: Actions(flush: true, close: .halfCloseAndLinger),
            state: .lingering
        ),
        Transition(
            start: Start(
                name: "leaving, 1 in flight, answered",
                events: [.callStarted, .leaveStream, .responseWritten]
            ),
            event: .callFinished,
            actions: Actions(flush: true, close: .halfCloseAndLinger),
            state: .lingering
        ),
        // A notification has no answer: the connection goes on waiting for one.
        Transition(start: .leaving, event: .readCompleted, actions: .none, state: serving(Progress(leaving: true))),
        Transition(start: .leaving, event: .leaveStream, actions: .none, state: serving(Progress(leaving: true))),
        // A stop's drain overrides it.
        Transition(start: .leaving, event: .drain, actions: linger, state: .lingering),
        Transition(
            start: .leavingInFlight,
            event: .drain,
            actions: .none,
            state: draining(Progress(inFlight: 1, leaving: true))
        ),
        Transition(start: .draining, event: .leaveStream, actions: .none, state: draining(Progress(inFlight: 1))),
        Transition(start: .lingering, event: .leaveStream, actions: .none, state: .lingering),
        Transition(start: .closed, event: .leaveHTTP, actions: .none, state: .closed),

        // Closing and closed: nothing more happens.
        Transition(start: .closing, event: .finalResponse, actions: .none, state: .closing),
        Transition(start: .closing, event: .drain, actions: .none, state: .closing),
        Transition(start: .closing, event: .inputClosed, actions: .none, state: .closing),
        Transition(start: .closing, event: .idleTimedOut, actions: .none, state: .closing),
        Transition(start: .closing, event: .failed, actions: .none, state: .closing),
        Transition(start: .closing, event: .readRequested, actions: read, state: .closing),
        Transition(start: .closing, event: .callStarted, actions: .none, state: .closing),
        Transition(start: .closing, event: .channelInactive, actions: .none, state: .closed),
        Transition(start: .closed, event: .drain, actions: .none, state: .closed),
        Transition(start: .closed, event: .inputClosed, actions: .none, state: .closed),
        Transition(start: .closed, event: .finalResponse, actions: .none, state: .closed),
        Transition(start: .closed, event: .idleTimedOut, actions: .none, state: .closed),
        Transition(start: .closed, event: .readCompleted, actions: .none, state: .closed),
    ]

    @Test(arguments: transitions)
    func transition(_ transition: Transition) {
        var lifecycle = transition.start.make()
        let actions = transition.event.apply(to: &lifecycle)
        #expect(actions == transition.actions)
        #expect(lifecycle.state == transition.state)
    }

    struct Query: Sendable, CustomTestStringConvertible {
        var start: Start
        var answering: Bool
        var draining: Bool
        var inFlight: Int
        var closesAfterAnswer = false
        var testDescription: String { self.start.name }
    }

    static let queries: [Query] = [
        Query(start: .serving, answering: true, draining: false, inFlight: 0),
        Query(start: .atLimitReadHeld, answering: true, draining: false, inFlight: 2),
        Query(start: .draining, answering: true, draining: true, inFlight: 1, closesAfterAnswer: true),
        Query(start: .leaving, answering: true, draining: false, inFlight: 0, closesAfterAnswer: true),
        Query(start: .leavingInFlight, answering: true, draining: false, inFlight: 1, closesAfterAnswer: true),
        Query(start: .inputClosed, answering: true, draining: true, inFlight: 1, closesAfterAnswer: true),
        Query(start: .lingering, answering: false, draining: false, inFlight: 0),
        Query(start: .closing, answering: false, draining: false, inFlight: 0),
        Query(start: .closed, answering: false, draining: false, inFlight: 0),
    ]

    @Test(arguments: queries)
    func queriesFollowTheState(_ query: Query) {
        let lifecycle = query.start.make()
        #expect(lifecycle.isAnswering == query.answering)
        #expect(lifecycle.isDraining == query.draining)
        #expect(lifecycle.inFlight == query.inFlight)
        #expect(lifecycle.closesAfterAnswer == query.closesAfterAnswer)
    }

    // MARK: Whole lives

    /// A pipelining client at the in-flight limit: reading pauses, resumes as one call finishes,
    /// and the answers are flushed as they come.
    @Test func readingPausesAtTheLimitAndResumesBelowIt() {
        var lifecycle = Lifecycle(maxInFlight: 2)
        lifecycle.callStarted()
        lifecycle.callStarted()
        #expect(lifecycle.readRequested() == false)
        lifecycle.responseWritten()
        #expect(lifecycle.callFinished() == Actions(flush: true, read: true))
        #expect(lifecycle.readRequested() == true)
        lifecycle.responseWritten()
        #expect(lifecycle.callFinished() == Self.flush)
        #expect(lifecycle.state == .serving(Progress(answered: true)))
    }

    /// A drain during two calls closes at the boundary after the second, flushing its answer.
    @Test func drainClosesAfterTheLastCallAtAMessageBoundary() {
        var lifecycle = Lifecycle(maxInFlight: 4)
        lifecycle.callStarted()
        lifecycle.callStarted()
        #expect(lifecycle.drain() == .none)
        #expect(lifecycle.readRequested() == false)
        lifecycle.responseWritten()
        #expect(lifecycle.callFinished() == Self.flush)
        lifecycle.responseWritten()
        #expect(lifecycle.callFinished() == Actions(flush: true, close: .halfCloseAndLinger, read: true))
        #expect(lifecycle.readRequested() == true)
        #expect(lifecycle.inputClosed() == Self.closeNow)
        lifecycle.channelInactive()
        #expect(lifecycle.state == .closed)
    }

    /// `nc -N`: the client half-closes with answers outstanding; each still comes, then the close.
    @Test func halfCloseAnswersEverythingThenClosesOutright() {
        var lifecycle = Lifecycle(maxInFlight: 4)
        lifecycle.callStarted()
        lifecycle.responseWritten()
        #expect(lifecycle.inputClosed() == .none)
        #expect(lifecycle.readCompleted() == Self.flush)
        lifecycle.responseWritten()
        #expect(lifecycle.callFinished() == Actions(flush: true, close: .now))
    }

    /// HTTP draining mid-request: the rest of the request is read, then the connection closes.
    @Test func drainMidMessageReadsTheRestFirst() {
        var lifecycle = Lifecycle(maxInFlight: 1)
        lifecycle.messageBegan()
        #expect(lifecycle.drain() == .none)
        #expect(lifecycle.readRequested() == true)
        lifecycle.messageEnded()
        #expect(lifecycle.isDraining)
        #expect(lifecycle.finalResponse() == true)
        #expect(lifecycle.finalResponse() == false)
    }
}
