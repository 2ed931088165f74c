/// One token bucket of `RPCD_RATE_LIMIT` (DESIGN §11): `rate` calls a second with a burst of
/// twice that, refilled continuously.
///
/// A value with no clock of its own: every question passes the time, in nanoseconds of a
/// monotonic clock, so that tests can drive it and one reading serves a whole batch.
package struct TokenBucket: Sendable, Hashable {
    /// Calls a second.
    package let rate: Int
    /// The most calls admitted at once after a quiet spell: twice the rate.
    package var burst: Int { self.rate * 2 }

    /// Tokens, in thousandths of a call, so that a slow rate refills smoothly between calls.
    private var milliTokens: Int64
    private var updatedAt: UInt64

    /// A full bucket at `now`.
    /// - Precondition: `rate > 0`.
    package init(rate: Int, now: UInt64) {
        precondition(rate > 0, "a rate limit of 0 is off; make no bucket")
        self.rate = rate
        self.milliTokens = Int64(rate) * 2 * 1000
        self.updatedAt = now
    }

    /// What a call (or a batch's element) gets from the bucket.
    package enum Outcome: Sendable, Hashable {
        /// Admitted; a token was taken.
        case admitted
        /// Over the limit; a token is back in `retryAfterNanoseconds`.
        case limited(retryAfterNanoseconds: UInt64)
    }

    /// Takes one token for a call at `now`, if there is one.
    package mutating func take(now: UInt64) -> Outcome {
        self.refill(now: now)
        if self.milliTokens >= 1000 {
            self.milliTokens -= 1000
            return .admitted
        }
        let missing = UInt64(1000 - self.milliTokens)
        // A thousandth of a token comes every 1e6 / rate nanoseconds; round up so a retry at
        // the hinted time finds the token there.
        let perMilliToken = 1_000_000 / UInt64(self.rate)
        return .limited(retryAfterNanoseconds: missing * max(perMilliToken, 1))
    }

    /// How long until a token is there at `now`, without taking one; nil when one is there.
    package func retryAfter(now: UInt64) -> UInt64? {
        var copy = self
        guard case .limited(let retry) = copy.take(now: now) else { return nil }
        return retry
    }

    /// Whether the bucket, left alone until `now`, would be full again: such a bucket carries
    /// nothing a new one would not, so a table of buckets may drop it.
    package func isFull(at now: UInt64) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.milliTokens >= Int64(self.burst) * 1000
    }

    private mutating func refill(now: UInt64) {
        guard now > self.updatedAt else { return }
        let elapsed = now - self.updatedAt
        let capacity = Int64(self.burst) * 1000
        // Elapsed time at one bucket's capacity or beyond fills it; the cap keeps the product
        // below overflow for any rate a configuration can hold.
        let fillTime = UInt64(self.burst) * 1_000_000_000 / UInt64(self.rate)
        let added = elapsed >= fillTime ? capacity : Int64(elapsed * UInt64(self.rate) / 1_000_000)
        guard self.milliTokens + added < capacity else {
            self.milliTokens = capacity
            self.updatedAt = now
            return
        }
        self.milliTokens += added
        // Only the time the added thousandths account for is used up: the remainder counts
        // towards the next one, so frequent questions do not slow the refill.
        self.updatedAt += UInt64(added) * 1_000_000 / UInt64(self.rate)
    }
}
