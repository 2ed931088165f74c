import RPCDAccess
import Testing

@Suite("token buckets and the per-key rate limiter (RPCD_RATE_LIMIT)")
struct RateLimitTests {
    private static let second: UInt64 = 1_000_000_000

    @Test("a full bucket admits twice the rate at once, then one call per 1/rate seconds")
    func burstThenRate() {
        var bucket = TokenBucket(rate: 50, now: 0)
        for _ in 0..<100 {
            #expect(bucket.take(now: 0) == .admitted)
        }
        guard case .limited(let retry) = bucket.take(now: 0) else {
            Issue.record("the 101st call in the same instant was admitted")
            return
        }
        #expect(retry == Self.second / 50)
        #expect(bucket.take(now: retry - 1) != .admitted)
        #expect(bucket.take(now: retry) == .admitted)
    }

    @Test("over 5 s at 50/s, a client calling flat out gets the burst plus 250 calls")
    func sustainedRate() {
        var bucket = TokenBucket(rate: 50, now: 0)
        var admitted = 0
        var now: UInt64 = 0
        while now <= 5 * Self.second {
            if bucket.take(now: now) == .admitted { admitted += 1 }
            now += Self.second / 1000
        }
        #expect(admitted == 100 + 250)
    }

    @Test("a bucket refills to its burst and no further; a full bucket says so")
    func refillCaps() {
        var bucket = TokenBucket(rate: 1, now: 0)
        #expect(bucket.take(now: 0) == .admitted)
        #expect(!bucket.isFull(at: 0))
        #expect(bucket.isFull(at: Self.second))
        var later = bucket
        #expect(later.take(now: 3600 * Self.second) == .admitted)
        #expect(later.take(now: 3600 * Self.second) == .admitted)
        #expect(later.take(now: 3600 * Self.second) != .admitted)
    }

    @Test("keys have their own buckets")
    func perKey() {
        var limiter = RateLimiter(rate: 1)
        #expect(limiter.take("alice", now: 0) == .admitted)
        #expect(limiter.take("alice", now: 0) == .admitted)
        #expect(limiter.take("alice", now: 0) != .admitted)
        #expect(limiter.take("bob", now: 0) == .admitted)
        #expect(limiter.keyCount == 2)
    }

    @Test("the table sweeps refilled buckets and never grows past its bound")
    func bounded() {
        var limiter = RateLimiter(rate: 1)
        for index in 0..<RateLimiter.sweepThreshold {
            _ = limiter.take("peer\(index)", now: 0)
        }
        #expect(limiter.keyCount == RateLimiter.sweepThreshold)
        // Two seconds later every bucket is full again: the next new key sweeps them all.
        #expect(limiter.take("late", now: 2 * Self.second) == .admitted)
        #expect(limiter.keyCount == 1)

        var flooded = RateLimiter(rate: 1)
        for index in 0..<(RateLimiter.maximumKeys + 10) {
            _ = flooded.take("peer\(index)", now: 0)
        }
        #expect(flooded.keyCount == RateLimiter.maximumKeys)
    }
}

@Suite("failed-authentication lockout per peer address")
struct FailedAuthenticationLockoutTests {
    private static let second: UInt64 = 1_000_000_000

    @Test("ten failures in a minute are answered; the eleventh locks the address out until the minute has passed")
    func locksAfterEleven() {
        var lockout = FailedAuthenticationLockout()
        for attempt in 1...10 {
            #expect(lockout.recordFailure("10.0.0.1", now: UInt64(attempt) * Self.second) == .counted)
            #expect(lockout.lockedOut("10.0.0.1", now: UInt64(attempt) * Self.second) == nil)
        }
        #expect(lockout.recordFailure("10.0.0.1", now: 11 * Self.second) == .lockedOut)
        #expect(lockout.lockedOut("10.0.0.1", now: 11 * Self.second) == 50 * Self.second)
        #expect(lockout.recordFailure("10.0.0.1", now: 12 * Self.second) == .stillLockedOut)
        #expect(lockout.lockedOut("10.0.0.2", now: 12 * Self.second) == nil)
        #expect(lockout.lockedOut("10.0.0.1", now: 61 * Self.second - 1) != nil)
        #expect(lockout.lockedOut("10.0.0.1", now: 61 * Self.second) == nil)
        // A new window starts from scratch.
        #expect(lockout.recordFailure("10.0.0.1", now: 61 * Self.second) == .counted)
        #expect(lockout.lockedOut("10.0.0.1", now: 61 * Self.second) == nil)
    }

    @Test("failures spread over more than a minute never lock")
    func slowFailures() {
        var lockout = FailedAuthenticationLockout()
        for attempt in 0..<30 {
            #expect(lockout.recordFailure("10.0.0.1", now: UInt64(attempt) * 7 * Self.second) != .lockedOut)
        }
    }

    @Test("expired windows are swept; the table is bounded")
    func bounded() {
        var lockout = FailedAuthenticationLockout()
        for index in 0..<FailedAuthenticationLockout.sweepThreshold {
            _ = lockout.recordFailure("peer\(index)", now: 0)
        }
        _ = lockout.recordFailure("late", now: 61 * Self.second)
        #expect(lockout.addressCount == 1)
    }
}
