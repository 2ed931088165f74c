/// The master's record of its workers, as a pure state machine.
///
/// Every event (a worker spawned, ready, heard from, exited; a tick of the clock; an operator's
/// scale, reload or stop) is a mutating method that returns the side effects to perform. The
/// table itself never spawns, signals or logs, so every transition can be tested as a value.
package struct WorkerTable: Sendable {
    /// Signal numbers the table asks for (Linux values), kept here so the table needs no libc.
    package enum Signal {
        package static let terminate: Int32 = 15
        package static let abort: Int32 = 6
        package static let kill: Int32 = 9
    }

    package enum WorkerState: String, Sendable {
        /// Spawned, not yet READY: not capacity.
        case starting
        /// Serving.
        case ready
        /// Told to finish its in-flight calls and exit (reload, scale down, recycling, stop).
        case draining
    }

    /// One worker process.
    package struct Worker: Sendable, Equatable {
        package var slot: Int
        package var pid: Int32
        package var generation: Int
        package var state: WorkerState
        package var startedAt: ContinuousClock.Instant
        package var readyAt: ContinuousClock.Instant?
        package var lastHeard: ContinuousClock.Instant
        package var stats = WorkerStats()
        /// When SIGABRT was sent because it stopped sending heartbeats.
        package var abortedAt: ContinuousClock.Instant?
        /// When it was told to drain.
        package var drainingSince: ContinuousClock.Instant?
        /// Whether SIGKILL has been sent.
        package var killed = false
        /// Recycle after this many requests (`RPCD_MAX_REQUESTS` with jitter); nil: never.
        package var recycleAfter: Int?
        /// A replacement is starting; this worker drains once it is ready.
        package var beingReplaced = false
    }

    /// A side effect the caller must perform.
    package enum Action: Sendable, Equatable {
        /// Start a worker process for `slot` of `generation`, then report `spawned` or `spawnFailed`.
        case spawn(slot: Int, generation: Int)
        /// Send `signal` to `pid`.
        case signal(pid: Int32, signal: Int32)
        /// Every worker of a reload's new generation is ready and the old one is draining.
        case reloadSucceeded(generation: Int)
        /// A reload's new generation did not become ready; it is being removed, the old one serves on.
        case reloadFailed(generation: Int, reason: String)
        /// A stop began and every worker has exited.
        case allStopped
    }

    /// Timeouts and limits the table applies.
    package struct Settings: Sendable, Equatable {
        package var workerTimeout: Duration
        package var shutdownTimeout: Duration
        package var reloadTimeout: Duration
        /// Between SIGABRT to a hung worker and SIGKILL.
        package var killGrace: Duration
        /// `RPCD_MAX_REQUESTS`; 0 is off.
        package var maxRequests: Int
        package var restartPolicy: RestartPolicy

        package init(
            workerTimeout: Duration = .seconds(30),
            shutdownTimeout: Duration = .seconds(30),
            reloadTimeout: Duration = .seconds(30),
            killGrace: Duration = .seconds(2),
            maxRequests: Int = 0,
            restartPolicy: RestartPolicy = RestartPolicy()
        ) {
            self.workerTimeout = workerTimeout
            self.shutdownTimeout = shutdownTimeout
            self.reloadTimeout = reloadTimeout
            self.killGrace = killGrace
            self.maxRequests = maxRequests
            self.restartPolicy = restartPolicy
        }
    }

    private struct Reload: Sendable {
        var previousGeneration: Int
        var deadline: ContinuousClock.Instant
    }

    /// Workers by pid.
    package private(set) var workers: [Int32: Worker] = [:]
    /// The number of workers wanted.
    package private(set) var desired: Int
    /// The generation new workers belong to.
    package private(set) var generation = 1
    /// Whether a stop has begun.
    package private(set) var stopping = false
    package var settings: Settings

    private var restartCounts: [Int: Int] = [:]
    private var consecutiveFailures: [Int: Int] = [:]
    private var pendingRestarts: [Int: ContinuousClock.Instant] = [:]
    private var spawning: Set<Int> = []
    private var reload: Reload?

    package init(desired: Int, settings: Settings) {
        self.desired = desired
        self.settings = settings
    }

    // MARK: Queries

    /// Ready workers of the current generation: the capacity that counts.
    package var readyCount: Int {
        self.workers.values.count { $0.generation == self.generation && $0.state == .ready }
    }

    /// Whether a reload is under way.
    package var reloading: Bool { self.reload != nil }

    /// Unplanned exits of a slot so far.
    package func restarts(slot: Int) -> Int { self.restartCounts[slot, default: 0] }

    /// The earliest instant at which `tick` has something to do, for scheduling.
    package var sortedWorkers: [Worker] {
        self.workers.values.sorted { ($0.generation, $0.slot, $0.pid) < ($1.generation, $1.slot, $1.pid) }
    }

    // MARK: Events

    /// Starts the first generation.
    package mutating func start() -> [Action] {
        (1...max(self.desired, 1)).prefix(self.desired).map { self.requestSpawn(slot: $0) }
    }

    /// A worker process was started for `slot` of `generation`.
    package mutating func spawned(
        slot: Int,
        generation: Int,
        pid: Int32,
        at now: ContinuousClock.Instant,
        jitter: Double = 0
    ) {
        self.spawning.remove(slot)
        var worker = Worker(
            slot: slot,
            pid: pid,
            generation: generation,
            state: .starting,
            startedAt: now,
            lastHeard: now
        )
        if self.settings.maxRequests > 0 {
            worker.recycleAfter = self.settings.maxRequests + Int(Double(self.settings.maxRequests) * 0.1 * jitter)
        }
        self.workers[pid] = worker
    }

    /// Starting a worker failed: the slot is retried with backoff, like a crash.
    package mutating func spawnFailed(
        slot: Int,
        generation: Int,
        at now: ContinuousClock.Instant,
        jitter: Double
    ) -> [Action] {
        self.spawning.remove(slot)
        if let reload = self.reload, generation == self.generation {
            return self.rollBack(reload, reason: "a worker of the new generation could not be started")
        }
        return self.scheduleRestart(slot: slot, wasStable: false, at: now, jitter: jitter)
    }

    /// A worker reported READY.
    package mutating func ready(pid: Int32, at now: ContinuousClock.Instant) -> [Action] {
        guard var worker = self.workers[pid], worker.state == .starting else { return [] }
        worker.state = .ready
        worker.readyAt = now
        worker.lastHeard = now
        self.workers[pid] = worker
        var actions: [Action] = []
        // A recycled worker's replacement is ready: the old one may go now.
        if let old = self.workers.values.first(where: {
            $0.slot == worker.slot && $0.generation == worker.generation && $0.beingReplaced && $0.pid != pid
        }) {
            actions += self.drain(old.pid, at: now)
        }
        if let reload = self.reload, worker.generation == self.generation, self.newGenerationComplete {
            self.reload = nil
            for old in self.workers.values where old.generation == reload.previousGeneration {
                actions += self.drain(old.pid, at: now)
            }
            actions.append(.reloadSucceeded(generation: self.generation))
        }
        return actions
    }

    /// A heartbeat arrived with fresh statistics.
    package mutating func heartbeat(pid: Int32, stats: WorkerStats, at now: ContinuousClock.Instant) -> [Action] {
        guard var worker = self.workers[pid] else { return [] }
        worker.lastHeard = now
        worker.stats = stats
        self.workers[pid] = worker
        guard let limit = worker.recycleAfter, stats.requests >= limit, worker.state == .ready, !worker.beingReplaced,
            !self.stopping, self.reload == nil, worker.generation == self.generation
        else { return [] }
        // Start the replacement first, so capacity never drops.
        self.workers[pid]?.beingReplaced = true
        return [self.requestSpawn(slot: worker.slot)]
    }

    /// A worker process exited (reaped).
    package mutating func exited(pid: Int32, at now: ContinuousClock.Instant, jitter: Double) -> [Action] {
        guard let worker = self.workers.removeValue(forKey: pid) else { return [] }
        if self.stopping {
            return self.workers.isEmpty ? [.allStopped] : []
        }
        if worker.state == .draining {
            return []
        }
        if let reload = self.reload {
            if worker.generation == self.generation {
                return self.rollBack(reload, reason: "a worker of the new generation exited before it was ready")
            }
            // An old worker died while its replacement generation starts: nothing to restart.
            self.restartCounts[worker.slot, default: 0] += 1
            return []
        }
        guard worker.generation == self.generation else { return [] }
        self.restartCounts[worker.slot, default: 0] += 1
        if worker.beingReplaced {
            // Its replacement is already starting.
            return []
        }
        let wasStable = worker.readyAt.map { now - $0 >= self.settings.restartPolicy.stableAfter } ?? false
        return self.scheduleRestart(slot: worker.slot, wasStable: wasStable, at: now, jitter: jitter)
    }

    /// Applies the clock: due restarts, hung workers, drains and reloads that overran.
    package mutating func tick(at now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for (slot, due) in self.pendingRestarts where due <= now {
            self.pendingRestarts[slot] = nil
            if !self.stopping, slot <= self.desired {
                actions.append(self.requestSpawn(slot: slot))
            }
        }
        for (pid, worker) in self.workers {
            if worker.killed { continue }
            if let drainingSince = worker.drainingSince {
                if now - drainingSince >= self.settings.shutdownTimeout {
                    self.workers[pid]?.killed = true
                    actions.append(.signal(pid: pid, signal: Signal.kill))
                }
            } else if let abortedAt = worker.abortedAt {
                if now - abortedAt >= self.settings.killGrace {
                    self.workers[pid]?.killed = true
                    actions.append(.signal(pid: pid, signal: Signal.kill))
                }
            } else if now - worker.lastHeard >= self.settings.workerTimeout {
                self.workers[pid]?.abortedAt = now
                actions.append(.signal(pid: pid, signal: Signal.abort))
            }
        }
        if let reload = self.reload, now >= reload.deadline {
            actions += self.rollBack(reload, reason: "the new generation was not ready in time")
        }
        return actions
    }

    /// Changes the number of workers.
    package mutating func scale(to count: Int, at now: ContinuousClock.Instant) -> [Action] {
        let previous = self.desired
        self.desired = count
        var actions: [Action] = []
        if count > previous {
            for slot in (previous + 1)...count where !self.slotOccupied(slot) {
                actions.append(self.requestSpawn(slot: slot))
            }
        } else {
            for slot in self.pendingRestarts.keys where slot > count {
                self.pendingRestarts[slot] = nil
            }
            for worker in self.workers.values where worker.generation == self.generation && worker.slot > count {
                actions += self.drain(worker.pid, at: now)
            }
        }
        return actions
    }

    /// Starts a new generation; the old one drains once every new worker is ready.
    package mutating func beginReload(at now: ContinuousClock.Instant) -> [Action] {
        guard self.reload == nil, !self.stopping else { return [] }
        self.reload = Reload(previousGeneration: self.generation, deadline: now + self.settings.reloadTimeout)
        self.generation += 1
        self.pendingRestarts.removeAll()
        return (1...max(self.desired, 1)).prefix(self.desired).map { self.requestSpawn(slot: $0) }
    }

    /// Tells every worker to drain (graceful) or kills them (quick).
    package mutating func beginStop(quick: Bool, at now: ContinuousClock.Instant) -> [Action] {
        self.stopping = true
        self.reload = nil
        self.pendingRestarts.removeAll()
        if self.workers.isEmpty {
            return [.allStopped]
        }
        var actions: [Action] = []
        for (pid, worker) in self.workers {
            if quick {
                if !worker.killed {
                    self.workers[pid]?.killed = true
                    actions.append(.signal(pid: pid, signal: Signal.kill))
                }
            } else if worker.state != .draining {
                actions += self.drain(pid, at: now)
            }
        }
        return actions
    }

    // MARK: Helpers

    private var newGenerationComplete: Bool {
        let ready = Set(
            self.workers.values.filter { $0.generation == self.generation && $0.state == .ready }.map(\.slot)
        )
        return (1...max(self.desired, 1)).prefix(self.desired).allSatisfy { ready.contains($0) }
    }

    private func slotOccupied(_ slot: Int) -> Bool {
        self.spawning.contains(slot) || self.pendingRestarts[slot] != nil
            || self.workers.values.contains {
                $0.generation == self.generation && $0.slot == slot && $0.state != .draining
            }
    }

    private mutating func requestSpawn(slot: Int) -> Action {
        self.spawning.insert(slot)
        return .spawn(slot: slot, generation: self.generation)
    }

    private mutating func drain(_ pid: Int32, at now: ContinuousClock.Instant) -> [Action] {
        guard var worker = self.workers[pid], worker.state != .draining else { return [] }
        worker.state = .draining
        worker.drainingSince = now
        self.workers[pid] = worker
        return [.signal(pid: pid, signal: Signal.terminate)]
    }

    private mutating func scheduleRestart(
        slot: Int,
        wasStable: Bool,
        at now: ContinuousClock.Instant,
        jitter: Double
    ) -> [Action] {
        guard slot <= self.desired, !self.slotOccupied(slot) else { return [] }
        let failures = wasStable ? 1 : self.consecutiveFailures[slot, default: 0] + 1
        self.consecutiveFailures[slot] = failures
        let delay = self.settings.restartPolicy.delay(consecutiveFailures: failures, jitter: jitter)
        if delay == .zero {
            return [self.requestSpawn(slot: slot)]
        }
        self.pendingRestarts[slot] = now + delay
        return []
    }

    private mutating func rollBack(_ reload: Reload, reason: String) -> [Action] {
        let failed = self.generation
        self.reload = nil
        self.generation = reload.previousGeneration
        self.spawning.removeAll()
        var actions: [Action] = []
        for (pid, var worker) in self.workers where worker.generation == failed && !worker.killed {
            // Planned: the new workers never served, so nothing is lost by killing them.
            worker.state = .draining
            worker.drainingSince = worker.startedAt
            worker.killed = true
            self.workers[pid] = worker
            actions.append(.signal(pid: pid, signal: Signal.kill))
        }
        actions.append(.reloadFailed(generation: failed, reason: reason))
        return actions
    }
}
