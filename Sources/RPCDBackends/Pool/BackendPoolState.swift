package import NIOCore

/// The decisions of one backend pool (DESIGN §10.2) as a value: which instance takes a call,
/// what waits, what times out, when an instance is killed, restarted, recycled or stopped.
/// Every event returns the actions to take; the caller holds the value under a lock and does the
/// spawning, writing, signalling and answering outside it (like `WorkerTable`).
///
/// `Call` is the caller's record of one call, kept and handed back, never looked into; calls are
/// told apart by identity.
package struct BackendPoolState<Call: AnyObject> {
    /// The backend's settings, as far as decisions go.
    package let settings: Settings
    /// The instances alive or being started, by id.
    package internal(set) var instances: [Int: Instance] = [:]
    /// Calls waiting for a free slot, oldest first.
    /// A ring buffer: calls leave from the front, one per free slot, in O(1).
    package internal(set) var queue = CircularBuffer<Queued>()
    /// Restarts waiting for their backoff to pass.
    package internal(set) var pendingRestarts: [PendingRestart] = []
    /// Instances started again after an unplanned end (recycling is not counted).
    package internal(set) var restarts = 0
    /// Unplanned ends in a row, for the backoff.
    package internal(set) var consecutiveFailures = 0
    /// Since when no instance has been ready (nil while one is).
    package internal(set) var unavailableSince: ContinuousClock.Instant?
    /// `shutdown` was called: no new calls, no restarts.
    package internal(set) var draining = false
    /// Waiting for a first `rpc.discover` answer (backends without `METHODS`).
    package internal(set) var discoveryPending: Bool
    let discoveryDeadline: ContinuousClock.Instant
    var nextInstanceID = 1
    var random: UInt64

    /// A pool with no instance yet; `start` asks for them.
    /// - Parameter seed: for the `MAX_CALLS` jitter (fixed in tests).
    package init(settings: Settings, now: ContinuousClock.Instant, seed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.settings = settings
        self.unavailableSince = now
        self.discoveryPending = settings.discovers
        self.discoveryDeadline = now + settings.startTimeout
        self.random = seed | 1
    }

    /// Asks for `INSTANCES` instances.
    package mutating func start(now: ContinuousClock.Instant) -> [Action] {
        (0..<self.settings.instances).map { _ in .spawn(instance: self.addInstance(now: now, replacing: nil)) }
    }

    /// The instance ready to take a call now: the least loaded, the oldest on a tie.
    func routableInstance() -> Int? {
        var best: (id: Int, load: Int)?
        for (id, instance) in self.instances where instance.phase == .ready {
            let load = instance.inFlight.count
            guard load < self.settings.concurrency else { continue }
            if best == nil || load < best!.load || (load == best!.load && id < best!.id) { best = (id, load) }
        }
        return best?.id
    }

    /// Instances taking calls.
    package var readyCount: Int { self.instances.values.count { $0.phase == .ready } }

    /// Calls sent and not yet answered (a cancelled call still holding its slot counts).
    package var inFlightCount: Int { self.instances.values.reduce(0) { $0 + $1.inFlight.count } }

    /// Drained and every instance collected.
    package var isFinished: Bool { self.draining && self.instances.isEmpty }

    mutating func addInstance(now: ContinuousClock.Instant, replacing: Int?) -> Int {
        let id = self.nextInstanceID
        self.nextInstanceID += 1
        var instance = Instance(id: id, startedAt: now)
        instance.replaces = replacing
        if self.settings.maxCalls > 0 {
            // ± 10 % so instances started together do not all recycle at the same moment.
            let spread = max(0, self.settings.maxCalls / 10)
            let offset = spread == 0 ? 0 : Int(self.nextRandom() % UInt64(2 * spread + 1)) - spread
            instance.callLimit = max(1, self.settings.maxCalls + offset)
        }
        self.instances[id] = instance
        if let replacing { self.instances[replacing]?.replacement = id }
        return id
    }

    mutating func nextRandom() -> UInt64 {
        // xorshift64: enough for jitter, and reproducible from the seed.
        self.random ^= self.random << 13
        self.random ^= self.random >> 7
        self.random ^= self.random << 17
        return self.random
    }
}

extension BackendPoolState: Sendable where Call: Sendable {}
