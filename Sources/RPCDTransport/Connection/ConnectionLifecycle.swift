/// The life of one client connection, from its first read to its close, as a pure state machine.
///
/// Both protocol handlers (stream and HTTP) report what happens on their channel (a call started
/// or finished, a read asked for or completed, a drain, the peer's half-close, an idle timeout, an
/// error) and perform the actions each transition returns. The lifecycle itself never touches a
/// channel, so every transition can be tested as a value. It decides when reading pauses (too many
/// calls in flight, or draining at a message boundary), when responses are flushed (once per read
/// burst, or as an async call finishes), and how the connection ends: outright when the peer has
/// shut its side, else by shutting ours and lingering, so that a request racing the close meets
/// EOF (and is retried) rather than a reset.
struct ConnectionLifecycle: Sendable, Equatable {
    /// Where the connection is in its life.
    enum State: Sendable, Equatable {
        /// Reading and answering.
        case serving(Progress)
        /// Answering what has been read; closes at the next message boundary with nothing in flight.
        /// `inputClosed`: the peer has shut its sending side, so the close is outright and a message
        /// it left half-sent is dropped.
        case draining(Progress, inputClosed: Bool)
        /// Our output is shut; what the peer still sends is read and dropped until it closes too.
        case lingering
        /// Closing for good: a final response is on its way or the close was issued. Nothing more runs.
        case closing
        /// The channel is inactive.
        case closed
    }

    /// What is under way on a connection that still answers.
    struct Progress: Sendable, Equatable {
        /// Calls read and not yet answered: async calls, delayed refusals.
        var inFlight = 0
        /// A read was asked for and held back; it is passed on when reading resumes.
        var readHeld = false
        /// Part of a message has been read (HTTP: a request head without its end yet; a stream:
        /// part of a frame, `PartialMessageEvent`), so this is not a message boundary.
        var midMessage = false
        /// Responses were written since the last flush.
        var unflushed = false
        /// A response has been written on this connection at some point.
        var answered = false
        /// The service is draining (out of rotation): the connection ends after its next answer.
        var leaving = false
    }

    /// How to close the channel.
    enum Close: Sendable, Equatable {
        /// Close both directions now.
        case now
        /// Shut our output, keep reading (and dropping) until the peer closes or a grace period ends.
        case halfCloseAndLinger
    }

    /// The side effects of one transition, performed in this order: flush, close, read.
    struct Actions: Sendable, Equatable {
        /// Flush what was written.
        var flush = false
        /// Close the channel this way.
        var close: Close?
        /// Pass on the read that was held back.
        var read = false

        /// Nothing to do.
        static let none = Actions()
    }

    /// Calls in flight at which reading pauses (HTTP: 1, since responses must keep request order).
    let maxInFlight: Int
    private(set) var state = State.serving(Progress())

    init(maxInFlight: Int) {
        precondition(maxInFlight >= 1, "a connection must be able to run one call")
        self.maxInFlight = maxInFlight
    }

    // MARK: Reading

    /// The pipeline asks to read more. Returns whether to pass the read on; a held read is passed on
    /// by a later transition's `Actions.read`.
    mutating func readRequested() -> Bool {
        let maxInFlight = self.maxInFlight
        return self.updateProgress { progress, draining in
            // Draining between messages: nothing more is read (a half-read message is finished).
            let hold = progress.inFlight >= maxInFlight || (draining && !progress.midMessage)
            if hold {
                progress.readHeld = true
            }
            return !hold
        } otherwise: {
            // Lingering reads to see the peer's EOF; once closing, reads do no harm.
            true
        }
    }

    /// A request head arrived; its end has not (HTTP only).
    mutating func messageBegan() {
        self.updateProgress { progress, _ in
            progress.midMessage = true
        }
    }

    /// The message begun last has been read to its end.
    mutating func messageEnded() {
        self.updateProgress { progress, _ in
            progress.midMessage = false
        }
    }

    /// The read burst is over: flushes what was written, and closes if draining left nothing to do.
    mutating func readCompleted() -> Actions {
        self.settle(flush: true)
    }

    // MARK: Answering

    /// A response was written (not yet flushed).
    mutating func responseWritten() {
        self.updateProgress { progress, _ in
            progress.unflushed = true
            progress.answered = true
        }
    }

    /// An async call (or a delayed refusal) started; its answer comes later, in `callFinished()`.
    mutating func callStarted() {
        self.updateProgress { progress, _ in
            progress.inFlight += 1
        }
    }

    /// A call in flight has been answered (its response written, if any): flushes, resumes held
    /// reads below the in-flight limit, and closes when draining and nothing is left.
    mutating func callFinished() -> Actions {
        self.updateProgress { progress, _ in
            precondition(progress.inFlight > 0, "a call finished that never started")
            progress.inFlight -= 1
        }
        return self.settle(flush: true)
    }

    /// The connection must send one last response and close once it is written: a message too
    /// large to frame the rest of the stream, a malformed HTTP request, a `Connection: close`
    /// answer. Returns whether to send it (false: the connection is closing already).
    mutating func finalResponse() -> Bool {
        guard self.isAnswering else { return false }
        self.state = .closing
        return true
    }

    // MARK: Ending

    /// Drain: answer what has been read, then close at a message boundary (worker draining, a
    /// message cut short by the peer's EOF, too many failed authentications).
    mutating func drain() -> Actions {
        if case .serving(let progress) = self.state {
            self.state = .draining(progress, inputClosed: false)
        }
        return self.settle(flush: false)
    }

    /// The service is draining (`rpcd-admin drain`, a stop's grace): it still serves, but moves
    /// its clients away. With `closingIdle` (stream framings) a connection that has answered before
    /// drains at once, like `drain()`: idle, it closes at this message boundary, busy, after its last
    /// answer. Otherwise (HTTP, or a connection that has not answered yet: a client that has just
    /// connected is about to send) it closes after its next answer; HTTP says so with
    /// `Connection: close` (`closesAfterAnswer`).
    mutating func leave(closingIdle: Bool) -> Actions {
        guard case .serving(var progress) = self.state else { return .none }
        if closingIdle, progress.answered {
            return self.drain()
        }
        progress.leaving = true
        self.state = .serving(progress)
        return self.settle(flush: false)
    }

    /// The peer shut its sending side (`nc -N`): answer what is in flight, then close outright.
    mutating func inputClosed() -> Actions {
        switch self.state {
        case .serving(let progress), .draining(let progress, _):
            self.state = .draining(progress, inputClosed: true)
            return self.settle(flush: false)
        case .lingering:
            // Both sides are shut now.
            self.state = .closing
            return Actions(close: .now)
        case .closing, .closed:
            return .none
        }
    }

    /// No traffic for the idle timeout: closes unless a call is still running (a half-sent
    /// request does not count; that is a stalled client holding a connection slot).
    mutating func idleTimedOut() -> Actions {
        switch self.state {
        case .serving(let progress), .draining(let progress, _):
            guard progress.inFlight == 0 else { return .none }
            self.state = .closing
            return Actions(flush: progress.unflushed, close: .now)
        case .lingering:
            self.state = .closing
            return Actions(close: .now)
        case .closing, .closed:
            return .none
        }
    }

    /// A failure that leaves nothing to answer (a reset, a broken pipe): close now.
    mutating func failed() -> Actions {
        switch self.state {
        case .serving, .draining, .lingering:
            self.state = .closing
            return Actions(close: .now)
        case .closing, .closed:
            return .none
        }
    }

    /// The channel became inactive.
    mutating func channelInactive() {
        self.state = .closed
    }

    // MARK: Internals

    /// Applies `update` to the progress of a connection that still answers, else runs `otherwise`.
    private mutating func updateProgress<Result>(
        _ update: (inout Progress, _ draining: Bool) -> Result,
        otherwise: () -> Result
    ) -> Result {
        switch self.state {
        case .serving(var progress):
            let result = update(&progress, false)
            self.state = .serving(progress)
            return result
        case .draining(var progress, let inputClosed):
            let result = update(&progress, true)
            self.state = .draining(progress, inputClosed: inputClosed)
            return result
        case .lingering, .closing, .closed:
            return otherwise()
        }
    }

    /// Applies `update` to the progress of a connection that still answers; else nothing happens.
    private mutating func updateProgress(_ update: (inout Progress, _ draining: Bool) -> Void) {
        self.updateProgress(update, otherwise: {})
    }

    /// What follows from the progress now: the close of a drained connection, a flush (when
    /// `flush`), the resumption of a held read.
    private mutating func settle(flush: Bool) -> Actions {
        switch self.state {
        case .serving(var progress):
            if progress.leaving, progress.unflushed {
                // The answer a leaving connection waited for is written: it drains from here.
                self.state = .draining(progress, inputClosed: false)
                return self.settle(flush: flush)
            }
            var actions = Actions()
            if flush, progress.unflushed {
                progress.unflushed = false
                actions.flush = true
            }
            if progress.readHeld, progress.inFlight < self.maxInFlight {
                progress.readHeld = false
                actions.read = true
            }
            self.state = .serving(progress)
            return actions
        case .draining(var progress, let inputClosed):
            if progress.inFlight == 0, !progress.midMessage || inputClosed {
                if inputClosed {
                    self.state = .closing
                    return Actions(flush: progress.unflushed, close: .now)
                }
                self.state = .lingering
                // The held read is passed on so that the peer's EOF is seen while lingering.
                return Actions(flush: progress.unflushed, close: .halfCloseAndLinger, read: progress.readHeld)
            }
            var actions = Actions()
            if flush, progress.unflushed {
                progress.unflushed = false
                actions.flush = true
            }
            // While draining, reading only goes on to finish a message begun.
            if progress.readHeld, progress.midMessage, progress.inFlight < self.maxInFlight {
                progress.readHeld = false
                actions.read = true
            }
            self.state = .draining(progress, inputClosed: inputClosed)
            return actions
        case .lingering, .closing, .closed:
            return .none
        }
    }
}
