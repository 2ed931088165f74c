import Foundation

/// Waiting for a state that no event announces (a file appearing, a process gone from `/proc`,
/// a figure the master publishes once a second): the check runs again every `interval` until it
/// holds or `timeout` passes. Prefer awaiting an event (a log line, an exit, a reply) where
/// there is one; this is for the rest.
public enum Poll {
    /// Runs `check` until it returns a value.
    /// - Parameters:
    ///   - what: what is awaited, for the timeout's message; evaluated only then, so it may
    ///     name the last state `check` saw.
    ///   - timeout: how long to keep trying; `check` always runs at least once, and once more
    ///     at the end.
    ///   - interval: the pause between two runs.
    /// - Returns: the first value `check` returned.
    /// - Throws: ``TestSupportError/Code/timedOut`` naming `what`, or whatever `check` throws.
    @discardableResult
    public static func until<T>(
        _ what: @autoclosure () -> String,
        timeout: Duration = .seconds(5),
        interval: Duration = .milliseconds(10),
        _ check: () throws -> T?
    ) throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let expired = ContinuousClock.now >= deadline
            if let value = try check() {
                return value
            }
            guard !expired else {
                throw TestSupportError(.timedOut, "no \(what()) within \(timeout)")
            }
            Thread.sleep(forTimeInterval: max(0, min(interval, deadline - .now).timeInterval))
        }
    }

    /// Runs `condition` until it holds.
    /// - Throws: ``TestSupportError/Code/timedOut`` naming `what`, or whatever `condition` throws.
    public static func until(
        _ what: @autoclosure () -> String,
        timeout: Duration = .seconds(5),
        interval: Duration = .milliseconds(10),
        _ condition: () throws -> Bool
    ) throws {
        try self.until(what(), timeout: timeout, interval: interval) { try condition() ? () : nil }
    }

}
