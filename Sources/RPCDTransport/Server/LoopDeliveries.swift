internal import NIOCore
internal import Synchronization

/// Answers coming back to connections' event loops from other threads (a backend's loop), handed
/// over in bursts: the first answer for a loop schedules one task there, and the ones that come
/// before it runs join it. Under load that is one wakeup of the loop for many answers.
final class LoopDeliveries: Sendable {
    private struct Batch {
        var jobs: [@Sendable () -> Void] = []
        var scheduled = false
    }

    private let batches = Mutex<[ObjectIdentifier: Batch]>([:])

    /// Runs `job` on `eventLoop`, in order with the other jobs handed over for it.
    func run(_ job: @escaping @Sendable () -> Void, on eventLoop: any EventLoop) {
        let key = ObjectIdentifier(eventLoop)
        let schedule = self.batches.withLock { batches -> Bool in
            batches[key, default: Batch()].jobs.append(job)
            defer { batches[key]!.scheduled = true }
            return !batches[key]!.scheduled
        }
        guard schedule else { return }
        eventLoop.execute {
            let jobs = self.batches.withLock { batches -> [@Sendable () -> Void] in
                defer { batches[key] = Batch() }
                return batches[key]?.jobs ?? []
            }
            for job in jobs { job() }
        }
    }
}
