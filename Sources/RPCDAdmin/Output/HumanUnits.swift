/// Numbers as an operator reads them: `3m12s`, `12.3 MiB`, `1.25ms`.
package enum HumanUnits {
    /// A duration in whole seconds and the next larger unit: `42s`, `3m12s`, `2h05m`, `3d04h`.
    package static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else {
            return "0s"
        }
        let total = Int(seconds.rounded(.down))
        let (days, hours, minutes, rest) = (total / 86_400, total / 3_600 % 24, total / 60 % 60, total % 60)
        if days > 0 {
            return "\(days)d\(self.twoDigits(hours))h"
        }
        if hours > 0 {
            return "\(hours)h\(self.twoDigits(minutes))m"
        }
        if minutes > 0 {
            return "\(minutes)m\(self.twoDigits(rest))s"
        }
        return "\(rest)s"
    }

    /// A byte count in binary units with one decimal: `512 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB`.
    package static func bytes(_ count: Int) -> String {
        guard count >= 1_024 else {
            return "\(max(count, 0)) B"
        }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count) / 1_024
        var unit = 0
        // Promote after rounding, so that 1023.96 KiB reads 1.0 MiB rather than 1024.0 KiB.
        while (value * 10).rounded() >= 10_240, unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return "\(self.oneDecimal(value)) \(units[unit])"
    }

    /// Milliseconds with precision that suits the size: `0.042ms`, `1.25ms`, `12.5ms`, `250ms`, `1.5s`.
    package static func milliseconds(_ value: Double) -> String {
        guard value.isFinite, value > 0 else {
            return "0ms"
        }
        if value >= 1_000 {
            return self.trimmed(value / 1_000, decimals: 2) + "s"
        }
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3
        return self.trimmed(value, decimals: decimals) + "ms"
    }

    /// `value` with `decimals` digits after the point, trailing zeros (and a bare point) removed.
    private static func trimmed(_ value: Double, decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals {
            scale *= 10
        }
        let scaled = Int((value * Double(scale)).rounded())
        var text = String(scaled / scale)
        if decimals > 0 {
            var fraction = String(scaled % scale)
            fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
            while fraction.hasSuffix("0") {
                fraction.removeLast()
            }
            if !fraction.isEmpty {
                text += "." + fraction
            }
        }
        return text
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
