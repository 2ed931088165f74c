extension BackendPoolState {
    /// Where one instance is in its life.
    package enum Phase: Sendable, Equatable {
        /// Asked for; not running yet.
        case spawning
        /// Running, waiting for its answer to `rpc.discover`.
        case starting
        /// Taking calls.
        case ready
        /// Recycled or draining: no new calls; its stdin closes once it is idle.
        case retiring
        /// stdin closed at `since`; SIGTERM `STOP_TIMEOUT` later, SIGKILL `killGrace` after that.
        case stopping(since: ContinuousClock.Instant, terminatedAt: ContinuousClock.Instant?, killed: Bool)
        /// Killed for `reason`; waiting to be collected, then its calls fail.
        case dead(reason: String)

        /// `starting`, `ready`, `retiring` or `stopping`, as snapshots show it.
        package var name: String {
            switch self {
            case .spawning, .starting: "starting"
            case .ready: "ready"
            case .retiring: "retiring"
            case .stopping, .dead: "stopping"
            }
        }
    }

    /// A call written to an instance and not answered yet.
    package struct InFlight {
        /// The call; nil once its caller has been answered (timed out) while the slot stays held.
        package var call: Call?
        /// When the caller gets -32002.
        package var deadline: ContinuousClock.Instant
        /// When `$/cancelRequest` was sent.
        package var cancelledAt: ContinuousClock.Instant?
    }

    /// One backend process.
    package struct Instance {
        /// rpcd's own number for it, never reused within a pool.
        package let id: Int
        /// Its pid and process group id; 0 until it runs.
        package internal(set) var pid: Int32 = 0
        /// Where it is in its life.
        package internal(set) var phase = Phase.spawning
        /// Calls in flight by the request id rpcd gave them.
        package internal(set) var inFlight: [Int: InFlight] = [:]
        /// Ids of calls answered -32002 whose slot was freed: a late answer to one is dropped.
        package internal(set) var late: Set<Int> = []
        /// The next request id to give (1, 2, ...).
        package internal(set) var nextRequestID = 1
        /// The id of its `rpc.discover`, while that is open.
        package internal(set) var discoverRequestID: Int?
        /// Calls answered (or failed) so far.
        package internal(set) var calls = 0
        /// Recycle after this many calls (`MAX_CALLS` with jitter); nil = never.
        package internal(set) var callLimit: Int?
        /// When it was asked for.
        package let startedAt: ContinuousClock.Instant
        /// When it became ready.
        package internal(set) var readySince: ContinuousClock.Instant?
        /// Its resident size when last measured.
        package internal(set) var rssBytes = 0
        /// Being recycled: the instance started to take over.
        package internal(set) var replacement: Int?
        /// Started to take over from this instance.
        package internal(set) var replaces: Int?

        init(id: Int, startedAt: ContinuousClock.Instant) {
            self.id = id
            self.startedAt = startedAt
        }

        mutating func takeRequestID() -> Int {
            defer { self.nextRequestID += 1 }
            return self.nextRequestID
        }
    }

    /// A call waiting for a slot.
    package struct Queued {
        /// The call.
        package var call: Call
        /// A notification: written without an id, answered as soon as it is written.
        package var isNotification: Bool
        /// When the caller gets -32002.
        package var deadline: ContinuousClock.Instant
    }

    /// An instance to start again once `due` has passed.
    package struct PendingRestart: Equatable {
        /// When.
        package var due: ContinuousClock.Instant
        /// The instance the crashed one was replacing, if it was a recycling replacement.
        package var replaces: Int?
    }
}

extension BackendPoolState.Instance: Sendable where Call: Sendable {}
extension BackendPoolState.InFlight: Sendable where Call: Sendable {}
extension BackendPoolState.Queued: Sendable where Call: Sendable {}
extension BackendPoolState.PendingRestart: Sendable where Call: Sendable {}
