internal import Synchronization

/// One serving stack's shared limits (DESIGN §11), counted per worker: the failed-authentication
/// lockout per peer address, and the `RPCD_RATE_LIMIT` buckets per credential or address.
///
/// The pure tables (``FailedAuthenticationLockout``, ``RateLimiter``) behind one lock, with the
/// monotonic clock they are asked with; every connection of the stack holds it.
package final class AccessGuard: Sendable {
    private struct State {
        var lockout = FailedAuthenticationLockout()
        var limiter: RateLimiter?
    }

    private let origin = ContinuousClock.now
    private let state: Mutex<State>

    /// A guard; `rateLimit` calls a second per key, 0 for no rate limit.
    package init(rateLimit: Int) {
        self.state = Mutex(State(limiter: rateLimit > 0 ? RateLimiter(rate: rateLimit) : nil))
    }

    /// Whether calls are rate limited at all.
    package var limitsRate: Bool { self.state.withLock { $0.limiter != nil } }

    /// Nanoseconds since the guard was made, on the monotonic clock.
    private var now: UInt64 {
        let elapsed = self.origin.duration(to: .now).components
        return UInt64(max(0, elapsed.seconds)) * 1_000_000_000 + UInt64(max(0, elapsed.attoseconds / 1_000_000_000))
    }

    /// How long `address` stays locked out (nanoseconds), nil when it is not.
    package func lockedOut(_ address: String) -> UInt64? {
        let now = self.now
        return self.state.withLock { $0.lockout.lockedOut(address, now: now) }
    }

    /// Records a failed authentication from `address`.
    package func recordFailure(_ address: String) -> FailedAuthenticationLockout.Recorded {
        let now = self.now
        return self.state.withLock { $0.lockout.recordFailure(address, now: now) }
    }

    /// Takes a token for one call by `key`; always admitted without a rate limit.
    package func takeCall(_ key: String) -> TokenBucket.Outcome {
        let now = self.now
        return self.state.withLock { $0.limiter?.take(key, now: now) ?? .admitted }
    }

    /// How long until `key` may call again (nanoseconds), without taking a token; nil when it
    /// may now (or there is no rate limit).
    package func retryAfter(_ key: String) -> UInt64? {
        let now = self.now
        return self.state.withLock { $0.limiter?.retryAfter(key, now: now) }
    }
}
