internal import Synchronization

/// Running totals of a dispatcher: calls answered (notifications included) and how many failed.
///
/// Relaxed atomics: each call costs two uncontended increments, and readers only need totals.
public final class DispatchCounters: Sendable {
    private let callCount = Atomic<Int>(0)
    private let errorCount = Atomic<Int>(0)

    /// Creates zeroed counters.
    public init() {}

    /// Calls handled so far, including those that failed.
    public var calls: Int { self.callCount.load(ordering: .relaxed) }

    /// Calls that ended in an error (parse errors and invalid requests included).
    public var errors: Int { self.errorCount.load(ordering: .relaxed) }

    /// Counts one call with its outcome.
    func record(_ outcome: Result<JSONValue, JSONRPCError>) {
        self.callCount.add(1, ordering: .relaxed)
        if case .failure = outcome {
            self.errorCount.add(1, ordering: .relaxed)
        }
    }

    /// Counts one message or call that failed before any handler ran.
    func recordError() {
        self.callCount.add(1, ordering: .relaxed)
        self.errorCount.add(1, ordering: .relaxed)
    }
}
