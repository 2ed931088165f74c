#if canImport(Glibc)
internal import Glibc
#endif

extension WallClock {
    /// Now as whole seconds since the epoch and the milliseconds past them: the cheap reading a
    /// hot path takes before it formats (or reuses) the seconds part.
    package static func now() -> (seconds: Int, milliseconds: Int) {
        var now = timespec()
        // CLOCK_REALTIME is answered by the vDSO: no system call.
        clock_gettime(CLOCK_REALTIME, &now)
        return (Int(now.tv_sec), Int(now.tv_nsec) / 1_000_000)
    }

    /// `seconds` since the epoch as RFC 3339 UTC up to the seconds, e.g. `2026-11-21T21:57:13`.
    package static func iso8601Seconds(_ seconds: Int) -> String {
        var seconds = time_t(seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
