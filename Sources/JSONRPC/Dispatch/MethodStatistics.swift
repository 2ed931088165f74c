internal import Synchronization

/// Calls, errors and a latency histogram per method, for `rpcd-admin stats`.
///
/// Only registered methods are recorded (a client cannot grow the table with made-up names).
/// One uncontended lock per call: workers usually run one event loop.
public final class MethodStatistics: Sendable {
    private let methods = Mutex<[String: MethodStatisticsSnapshot]>([:])

    /// Creates an empty table.
    public init() {}

    /// Everything recorded so far, by method name.
    public func snapshot() -> [String: MethodStatisticsSnapshot] {
        self.methods.withLock { $0 }
    }

    func record(_ method: String, failed: Bool, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        self.methods.withLock { methods in
            methods[method, default: MethodStatisticsSnapshot()].record(nanoseconds: nanoseconds, failed: failed)
        }
    }
}

/// One method's totals and latency distribution.
public struct MethodStatisticsSnapshot: Sendable, Hashable {
    /// Calls completed.
    public var calls: Int = 0
    /// Calls that ended in an error.
    public var errors: Int = 0
    /// The latency distribution.
    public var latency = LatencyHistogram()

    /// An empty record.
    public init() {}

    /// Records one call that took `nanoseconds`.
    public mutating func record(nanoseconds: Int64, failed: Bool) {
        self.calls += 1
        if failed { self.errors += 1 }
        self.latency.record(nanoseconds: nanoseconds)
    }

    /// Adds another record of the same method (another worker's).
    public mutating func merge(_ other: MethodStatisticsSnapshot) {
        self.calls += other.calls
        self.errors += other.errors
        self.latency.merge(other.latency)
    }
}

/// Latencies in log-linear buckets: four per power of two of microseconds, so a percentile read
/// back is within 19 % of the true value, from 1 µs to beyond an hour, in a fixed 160 counters.
public struct LatencyHistogram: Sendable, Hashable {
    /// The number of buckets.
    public static let bucketCount = 160

    /// Count per bucket.
    public private(set) var counts: [Int]

    /// An empty histogram.
    public init() {
        self.counts = Array(repeating: 0, count: Self.bucketCount)
    }

    /// A histogram from its counts (as sent between processes); nil if the shape is wrong.
    public init?(counts: [Int]) {
        guard counts.count == Self.bucketCount, counts.allSatisfy({ $0 >= 0 }) else { return nil }
        self.counts = counts
    }

    /// Records one latency.
    public mutating func record(nanoseconds: Int64) {
        self.counts[Self.bucket(microseconds: UInt64(max(0, nanoseconds / 1000)))] += 1
    }

    /// Adds another histogram's counts.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in self.counts.indices {
            self.counts[index] += other.counts[index]
        }
    }

    /// The latency below which `fraction` (0...1) of the calls fell, in milliseconds (the
    /// bucket's upper bound); 0 with no calls.
    public func percentile(_ fraction: Double) -> Double {
        let total = self.counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let rank = max(1, Int((Double(total) * fraction).rounded(.up)))
        var seen = 0
        for (index, count) in self.counts.enumerated() {
            seen += count
            if seen >= rank {
                return Double(Self.upperBound(bucket: index)) / 1000
            }
        }
        return Double(Self.upperBound(bucket: Self.bucketCount - 1)) / 1000
    }

    /// Bucket `4e + q` holds [ (4+q)·2^(e-2), (5+q)·2^(e-2) ) µs; below 4 µs one bucket per µs.
    static func bucket(microseconds: UInt64) -> Int {
        guard microseconds >= 4 else { return Int(microseconds) }
        let exponent = 63 - microseconds.leadingZeroBitCount
        let quarter = Int((microseconds >> (exponent - 2)) & 3)
        return min(Self.bucketCount - 1, exponent * 4 + quarter)
    }

    static func upperBound(bucket: Int) -> UInt64 {
        guard bucket >= 8 else { return UInt64(min(bucket, 3) + 1) }
        let exponent = bucket / 4
        let quarter = UInt64(bucket % 4)
        return (5 + quarter) << UInt64(exponent - 2)
    }
}
