import Synchronization
import Testing

@testable import RPCDTransport

@Suite("PendingCallRunner", .timeLimit(.minutes(1)))
struct PendingCallRunnerTests {
    @Test func runsSubmittedJobsAndReturnsOnceFinishedAndIdle() async {
        let runner = PendingCallRunner()
        let done = Mutex(0)
        async let running: Void = runner.run()
        let finished = AsyncEvent()
        for _ in 0..<3 {
            runner.submit {
                let count = done.withLock { count -> Int in
                    count += 1
                    return count
                }
                if count == 3 { finished.signal() }
            }
        }
        await finished.wait()
        runner.finish()
        await running
        #expect(done.withLock { $0 } == 3)
    }

    /// A job that waits must not hold up the others: the second job releases the first.
    @Test func jobsRunConcurrently() async {
        let runner = PendingCallRunner()
        let released = AsyncEvent()
        let completed = Mutex<[String]>([])
        runner.submit {
            await released.wait()
            completed.withLock { $0.append("waiter") }
        }
        runner.submit {
            completed.withLock { $0.append("releaser") }
            released.signal()
        }
        runner.finish()
        // Jobs queued before finish() still run, and run() waits for all of them.
        await runner.run()
        #expect(completed.withLock { $0 } == ["releaser", "waiter"])
    }

    @Test func jobsSubmittedAfterTheRunnerEndedAreDropped() async {
        let runner = PendingCallRunner()
        runner.finish()
        await runner.run()
        let ran = Mutex(false)
        runner.submit { ran.withLock { $0 = true } }
        #expect(!ran.withLock { $0 })
    }
}
