public import Foundation

extension LogLine {
    /// The `ts` member (RFC 3339 with milliseconds) as a date, or nil when it is missing or malformed.
    public var timestamp: Date? {
        guard let text = self["ts"] else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// The milliseconds from `earlier`'s timestamp to this line's, or nil without both.
    public func milliseconds(since earlier: LogLine) -> Int? {
        guard let start = earlier.timestamp, let end = self.timestamp else { return nil }
        return Int((end.timeIntervalSince(start) * 1000).rounded())
    }
}
