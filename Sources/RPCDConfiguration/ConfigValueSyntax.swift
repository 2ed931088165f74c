/// Why a setting's text is not a valid value: the explanation that follows `KEY='VALUE': `.
struct ValueProblem: Error {
    /// E.g. `expected a whole number from 0 to 1024`.
    var explanation: String

    init(_ explanation: String) {
        self.explanation = explanation
    }
}

/// The value syntaxes of DESIGN §3 (numbers, sizes, durations, booleans, paths), each with a
/// parser that explains what it expected and a renderer that gives back canonical text.
enum ConfigValueSyntax {
    // MARK: Whole numbers

    /// A whole number in `range`, decimal digits only (no sign, no blanks, no separators).
    static func wholeNumber(_ text: String, in range: ClosedRange<Int>) throws(ValueProblem) -> Int {
        guard let value = self.digits(text[...]), range.contains(value) else {
            throw ValueProblem("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    // MARK: Booleans

    /// `1/0`, `true/false`, `yes/no` or `on/off`, in any case.
    static func boolean(_ text: String) throws(ValueProblem) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on":
            return true
        case "0", "false", "no", "off":
            return false
        default:
            throw ValueProblem("expected 1 or 0 (also true/false, yes/no, on/off)")
        }
    }

    /// `1` or `0`.
    static func render(_ value: Bool) -> String {
        value ? "1" : "0"
    }

    // MARK: Sizes

    private static let sizeUnits: [(suffix: String, bytes: Int)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
    ]

    /// Bytes: plain (`512`) or with a binary IEC suffix (`64KiB`, `5MiB`, `1GiB`, any case).
    ///
    /// Decimal suffixes (`KB`, `MB`, `k`) are refused rather than guessed at: `5MB` could mean
    /// 5,000,000 or 5,242,880 bytes.
    static func size(_ text: String, in range: ClosedRange<Int>) throws(ValueProblem) -> Int {
        let problem = ValueProblem(
            "expected a size from \(self.renderSize(range.lowerBound)) to \(self.renderSize(range.upperBound)): "
                + "plain bytes or a binary suffix, like 512, 64KiB or 5MiB (KiB, MiB, GiB; not KB or MB)"
        )
        let numberEnd = text.firstIndex { !($0.isASCII && $0.isNumber) } ?? text.endIndex
        let suffix = text[numberEnd...].lowercased()
        var multiplier = 1
        if !suffix.isEmpty {
            guard let unit = self.sizeUnits.first(where: { $0.suffix.lowercased() == suffix }) else {
                throw problem
            }
            multiplier = unit.bytes
        }
        guard let number = self.digits(text[..<numberEnd]) else {
            throw problem
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, range.contains(bytes) else {
            throw problem
        }
        return bytes
    }

    /// The largest exact binary unit: `5242880` → `5MiB`, `1000` → `1000`.
    static func renderSize(_ bytes: Int) -> String {
        for unit in self.sizeUnits where bytes != 0 && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return String(bytes)
    }

    // MARK: Durations

    private static let durationUnits: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// A duration: a number with an optional fraction, then `ms`, `s`, `m` or `h`; a bare
    /// number is seconds (`30`, `0.5`). Exact to the nanosecond, no floating point.
    static func duration(_ text: String, in range: ClosedRange<Duration>) throws(ValueProblem) -> Duration {
        let problem = ValueProblem(
            "expected a duration from \(self.renderBound(range.lowerBound)) to \(self.renderBound(range.upperBound)), "
                + "like 250ms, 30s, 5m or plain seconds"
        )
        let lowered = text.lowercased()
        let numberEnd = lowered.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? lowered.endIndex
        let suffix = lowered[numberEnd...]
        let unit: Int64
        if suffix.isEmpty {
            unit = 1_000_000_000
        } else if let match = self.durationUnits.first(where: { $0.suffix == suffix }) {
            unit = match.nanoseconds
        } else {
            throw problem
        }
        let number = lowered[..<numberEnd]
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = self.digits(parts[0]), whole <= Int(Int64.max / unit) else {
            throw problem
        }
        var nanoseconds = Int64(whole) * unit
        if parts.count == 2 {
            // At most nine fraction digits: nothing here is finer than a nanosecond.
            let fraction = parts[1]
            guard (1...9).contains(fraction.count), let digits = self.digits(fraction) else {
                throw problem
            }
            var scale: Int64 = 1
            for _ in 0..<fraction.count {
                scale *= 10
            }
            // digits/scale < 1, so the quotient is below `unit`; the product needs full width.
            let fractionNanoseconds = scale.dividingFullWidth(Int64(digits).multipliedFullWidth(by: unit)).quotient
            let (sum, overflow) = nanoseconds.addingReportingOverflow(fractionNanoseconds)
            guard !overflow else {
                throw problem
            }
            nanoseconds = sum
        }
        let duration = Duration.nanoseconds(nanoseconds)
        guard range.contains(duration) else {
            throw problem
        }
        return duration
    }

    /// Whole seconds as `30s`, whole milliseconds as `250ms`, anything finer as decimal seconds.
    static func render(_ duration: Duration) -> String {
        let nanoseconds = self.nanoseconds(duration)
        if nanoseconds % 1_000_000_000 == 0 {
            return "\(nanoseconds / 1_000_000_000)s"
        }
        if nanoseconds % 1_000_000 == 0 {
            return "\(nanoseconds / 1_000_000)ms"
        }
        var fraction = String(nanoseconds % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") {
            fraction.removeLast()
        }
        return "\(nanoseconds / 1_000_000_000).\(fraction)s"
    }

    /// A range bound in the largest exact unit, for messages: `24h`, `100ms`.
    private static func renderBound(_ duration: Duration) -> String {
        let nanoseconds = self.nanoseconds(duration)
        if nanoseconds != 0 && nanoseconds % 3_600_000_000_000 == 0 {
            return "\(nanoseconds / 3_600_000_000_000)h"
        }
        if nanoseconds != 0 && nanoseconds % 60_000_000_000 == 0 {
            return "\(nanoseconds / 60_000_000_000)m"
        }
        return self.render(duration)
    }

    /// The duration in whole nanoseconds.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    // MARK: Paths

    /// An absolute path: a relative one is resolved against `currentDirectory`, so that it
    /// means the same after the daemon's `chdir /` and on every reload.
    static func absolutePath(_ text: String, currentDirectory: String) -> String {
        let joined = text.hasPrefix("/") ? text : currentDirectory + "/" + text
        var components: [Substring] = []
        for component in joined.split(separator: "/") where component != "." {
            components.append(component)
        }
        return "/" + components.joined(separator: "/")
    }

    // MARK: Names

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
    }

    // MARK: Helpers

    /// Decimal digits only, at most 18 of them (so the value always fits in an `Int`).
    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(text)
    }
}
