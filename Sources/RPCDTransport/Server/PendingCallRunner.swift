internal import Synchronization

/// Runs the async part of calls (async handlers) in one structured task group owned by the server.
///
/// Channel handlers live on event loops and cannot await; they hand async work to this runner,
/// whose `run()` the server awaits, so no call outlives the server and none is fire-and-forget.
final class PendingCallRunner: Sendable {
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    private let running = Atomic<Int>(0)
    /// Routed calls' answers on their way back to their connections' loops.
    let deliveries = LoopDeliveries()

    /// Async calls submitted and not yet finished.
    var runningCount: Int { self.running.load(ordering: .relaxed) }

    init() {
        (self.jobs, self.continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; it starts as soon as `run()` picks it up.
    func submit(_ job: @escaping Job) {
        self.running.add(1, ordering: .relaxed)
        let counted: Job = { [self] in
            await job()
            self.running.subtract(1, ordering: .relaxed)
        }
        if case .terminated = self.continuation.yield(counted) {
            self.running.subtract(1, ordering: .relaxed)
            // The server has finished; nothing is left to answer to.
            return
        }
    }

    /// Runs submitted jobs concurrently until `finish()` is called and every job has completed.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await job in self.jobs {
                group.addTask { await job() }
            }
        }
    }

    /// A call running outside the task group (a routed call) began; ``runningCount`` includes it.
    func began() {
        self.running.add(1, ordering: .relaxed)
    }

    /// That call ended.
    func ended() {
        self.running.subtract(1, ordering: .relaxed)
    }

    /// Stops taking jobs; `run()` returns once the running ones complete.
    func finish() {
        self.continuation.finish()
    }
}
