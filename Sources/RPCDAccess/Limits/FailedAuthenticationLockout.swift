/// Failed authentications per peer address (DESIGN §11): more than ``allowedFailures`` within a
/// minute and the address is refused until that minute has passed.
///
/// The window is fixed from an address's first failure, as a client sees it: after the
/// eleventh failure, every attempt is refused until a minute after the first, then the count
/// starts again. A value driven by the caller's monotonic clock (nanoseconds); bounded like
/// ``RateLimiter``: expired entries are swept, and past ``maximumAddresses`` new addresses are
/// not tracked (their failures still wait out the per-attempt delay).
package struct FailedAuthenticationLockout: Sendable {
    /// Failures within one window that are still answered; the next one locks the address out.
    package static let allowedFailures = 10
    /// The window: one minute.
    package static let window: UInt64 = 60 * 1_000_000_000
    /// Addresses held before expired windows are swept.
    package static let sweepThreshold = 4096
    /// Addresses held at most.
    package static let maximumAddresses = 65_536

    private struct Entry: Sendable {
        var windowStart: UInt64
        var failures: Int
    }

    private var entries: [String: Entry] = [:]
    /// The size at which the next sweep runs (twice what the last one left: amortised O(1)).
    private var nextSweep = FailedAuthenticationLockout.sweepThreshold

    /// An empty table.
    package init() {}

    /// The addresses tracked, for tests.
    package var addressCount: Int { self.entries.count }

    /// Whether `address` is locked out at `now`, and for how much longer (nanoseconds).
    package func lockedOut(_ address: String, now: UInt64) -> UInt64? {
        guard let entry = self.entries[address], entry.failures > Self.allowedFailures else { return nil }
        let end = entry.windowStart &+ Self.window
        return now < end ? end - now : nil
    }

    /// What recording one failure did.
    package enum Recorded: Sendable, Hashable {
        /// Still under the limit.
        case counted
        /// This failure locked the address out (log it, once).
        case lockedOut
        /// The address was locked out already.
        case stillLockedOut
    }

    /// Records a failed authentication from `address` at `now`.
    package mutating func recordFailure(_ address: String, now: UInt64) -> Recorded {
        if var entry = self.entries[address], now < entry.windowStart &+ Self.window {
            entry.failures += 1
            self.entries[address] = entry
            switch entry.failures {
            case ...Self.allowedFailures: return .counted
            case Self.allowedFailures + 1: return .lockedOut
            default: return .stillLockedOut
            }
        }
        if self.entries[address] == nil, self.entries.count >= self.nextSweep {
            self.entries = self.entries.filter { now < $0.value.windowStart &+ Self.window }
            self.nextSweep = max(Self.sweepThreshold, 2 * self.entries.count)
        }
        guard self.entries[address] != nil || self.entries.count < Self.maximumAddresses else { return .counted }
        self.entries[address] = Entry(windowStart: now, failures: 1)
        return .counted
    }
}
