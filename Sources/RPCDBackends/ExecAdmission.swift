/// The per-worker limit on exec calls (DESIGN §10.1): up to `concurrency` run, up to `queue`
/// more wait, the rest are refused at once. A value; the caller keeps it under a lock and does
/// the running and waiting (a thread pool of `concurrency` threads, which queues in order).
package struct ExecAdmission: Sendable, Equatable {
    /// Calls allowed to run at once.
    package let concurrency: Int
    /// Calls allowed to wait beyond those.
    package let queue: Int
    /// Calls admitted and not yet finished (running or waiting).
    package private(set) var admitted = 0

    /// A limiter with nothing admitted.
    package init(concurrency: Int, queue: Int) {
        self.concurrency = concurrency
        self.queue = queue
    }

    /// Admits one more call if there is room.
    /// - Returns: false when `concurrency + queue` calls are already admitted: refuse it (-32004).
    package mutating func admit() -> Bool {
        guard self.admitted < self.concurrency + self.queue else { return false }
        self.admitted += 1
        return true
    }

    /// One admitted call finished (its process group is gone).
    package mutating func finish() {
        self.admitted = max(0, self.admitted - 1)
    }

    /// Calls running now.
    package var running: Int { min(self.admitted, self.concurrency) }
    /// Calls waiting now.
    package var waiting: Int { max(0, self.admitted - self.concurrency) }
}
