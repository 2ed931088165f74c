/// When to restart a worker that exited unplanned: at once the first time, then with
/// exponential backoff and jitter while it keeps failing, so a crash loop costs little and
/// never takes the master down.
package struct RestartPolicy: Sendable, Equatable {
    /// The delay before the second consecutive restart; each further failure doubles it.
    package var initialDelay: Duration
    /// The longest delay.
    package var maximumDelay: Duration
    /// A worker that was ready this long before exiting resets its slot's failure count.
    package var stableAfter: Duration

    package init(
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(10),
        stableAfter: Duration = .seconds(5)
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.stableAfter = stableAfter
    }

    /// The delay before restarting after `consecutiveFailures` failures in a row (1 = the first).
    /// - Parameter jitter: a number in 0..<1 (random in production), adding up to 25 %.
    package func delay(consecutiveFailures: Int, jitter: Double) -> Duration {
        guard consecutiveFailures > 1 else { return .zero }
        let exponent = min(consecutiveFailures - 2, 20)
        let base = min(self.initialDelay * (1 << exponent), self.maximumDelay)
        return base + base * (0.25 * jitter)
    }
}
