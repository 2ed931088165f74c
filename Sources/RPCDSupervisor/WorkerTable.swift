/// The master's record of its workers, as a pure state machine.
///
/// Every event (a worker spawned, ready, heard from, exited; a tick of the clock; an operator's
/// scale, reload or stop) is a mutating method that returns the side effects to perform. The
/// table itself never spawns, signals or logs, so every transition can be tested as a value.
/// The transitions live in extensions by idea: worker events (`+Events`), the clock (`+Clock`),
/// scaling (`+Scale`), reloads (`+Reload`) and stopping (`+Stop`).
package struct WorkerTable: Sendable {
    /// Workers by pid.
    package internal(set) var workers: [Int32: Worker] = [:]
    /// The number of workers wanted.
    package internal(set) var desired: Int
    /// The generation new workers belong to.
    package internal(set) var generation = 1
    /// Whether a stop has begun (its grace over, if it had one).
    package internal(set) var stopping = false
    /// Whether the service is out of rotation (DESIGN §12): `rpcd-admin drain`, or a stop's grace.
    package internal(set) var draining = false
    /// When a graceful stop waiting out `RPCD_STOP_GRACE` begins for real.
    package internal(set) var stopGraceEnds: ContinuousClock.Instant?
    /// The timeouts and limits in force.
    package var settings: Settings

    /// Unplanned exits per slot (the `restarts` statistic).
    var restartCounts: [Int: Int] = [:]
    /// Failures in a row per slot, for the restart backoff.
    var consecutiveFailures: [Int: Int] = [:]
    /// Slots waiting out a restart backoff, and when each is due.
    var pendingRestarts: [Int: ContinuousClock.Instant] = [:]
    /// Slots whose spawn was asked for and not yet reported.
    var spawning: Set<Int> = []
    /// The reload under way, if any.
    var reload: Reload?

    /// Creates a table that wants `desired` workers and has none yet.
    package init(desired: Int, settings: Settings) {
        self.desired = desired
        self.settings = settings
    }

    // MARK: Queries

    /// Ready workers of the current generation: the capacity that counts.
    package var readyCount: Int {
        self.workers.values.count { $0.generation == self.generation && $0.state == .ready }
    }

    /// Whether a stop was asked for: begun, or waiting out its grace (no reload then).
    package var stopRequested: Bool { self.stopping || self.stopGraceEnds != nil }

    /// Whether a reload is under way.
    package var reloading: Bool { self.reload != nil }

    /// Unplanned exits of a slot so far.
    package func restarts(slot: Int) -> Int { self.restartCounts[slot, default: 0] }

    /// Every worker, ordered by generation, slot and pid.
    package var sortedWorkers: [Worker] {
        self.workers.values.sorted { ($0.generation, $0.slot, $0.pid) < ($1.generation, $1.slot, $1.pid) }
    }

    // MARK: Steps shared by the transitions

    /// Whether `slot` of the current generation has a live worker, a spawn under way or a restart due.
    func slotOccupied(_ slot: Int) -> Bool {
        self.spawning.contains(slot) || self.pendingRestarts[slot] != nil
            || self.workers.values.contains {
                $0.generation == self.generation && $0.slot == slot && $0.state != .draining
            }
    }

    mutating func requestSpawn(slot: Int) -> Action {
        self.spawning.insert(slot)
        return .spawn(slot: slot, generation: self.generation)
    }

    mutating func drain(_ pid: Int32, at now: ContinuousClock.Instant) -> [Action] {
        guard var worker = self.workers[pid], worker.state != .draining else { return [] }
        worker.state = .draining
        worker.drainingSince = now
        self.workers[pid] = worker
        return [.signal(pid: pid, signal: Signal.terminate)]
    }
}
