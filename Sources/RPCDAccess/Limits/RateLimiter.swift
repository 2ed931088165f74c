/// The token buckets of one worker, one per credential name or, for callers without one, per
/// peer address (DESIGN §11 `RPCD_RATE_LIMIT`, counted per worker).
///
/// The table stays bounded: a bucket that has filled up again says nothing a new bucket would
/// not, so such buckets are swept out once the table reaches ``sweepThreshold`` keys (then twice
/// what a sweep left); and if every
/// bucket is still draining, the table refuses to grow past ``maximumKeys`` and the newcomer
/// shares an overflow bucket, so a flood of fresh addresses cannot exhaust memory.
package struct RateLimiter: Sendable {
    /// Keys held before full buckets are swept out.
    package static let sweepThreshold = 4096
    /// Keys held at most; beyond them new keys share one bucket.
    package static let maximumKeys = 65_536

    /// Calls a second per key.
    package let rate: Int
    private var buckets: [String: TokenBucket] = [:]
    private var overflow: TokenBucket?
    /// The size at which the next sweep runs: twice what the last one left, so that sweeping
    /// a table of draining buckets stays amortised O(1) per new key.
    private var nextSweep = RateLimiter.sweepThreshold

    /// A limiter admitting `rate` calls a second per key.
    /// - Precondition: `rate > 0` (0 means no limiter at all).
    package init(rate: Int) {
        precondition(rate > 0, "a rate limit of 0 is off; make no limiter")
        self.rate = rate
    }

    /// The keys it holds a bucket for, for tests and metrics.
    package var keyCount: Int { self.buckets.count }

    /// How long until `key` may call again at `now`, without taking a token; nil when it may now.
    package func retryAfter(_ key: String, now: UInt64) -> UInt64? {
        guard let bucket = self.buckets[key] else {
            return self.buckets.count >= Self.maximumKeys ? self.overflow?.retryAfter(now: now) : nil
        }
        return bucket.retryAfter(now: now)
    }

    /// Takes one token from `key`'s bucket at `now`.
    package mutating func take(_ key: String, now: UInt64) -> TokenBucket.Outcome {
        if let index = self.buckets.index(forKey: key) {
            return self.buckets.values[index].take(now: now)
        }
        if self.buckets.count >= self.nextSweep {
            self.buckets = self.buckets.filter { !$0.value.isFull(at: now) }
            self.nextSweep = max(Self.sweepThreshold, 2 * self.buckets.count)
        }
        guard self.buckets.count < Self.maximumKeys else {
            var shared = self.overflow ?? TokenBucket(rate: self.rate, now: now)
            let outcome = shared.take(now: now)
            self.overflow = shared
            return outcome
        }
        var bucket = TokenBucket(rate: self.rate, now: now)
        let outcome = bucket.take(now: now)
        self.buckets[key] = bucket
        return outcome
    }
}
