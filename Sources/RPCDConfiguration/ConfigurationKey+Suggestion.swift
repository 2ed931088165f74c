extension ConfigurationKey {
    /// The known key a misspelt name most likely meant (`RPCD_WORKRES` → `RPCD_WORKERS`): the
    /// closest by edit distance (with transpositions), if at most two edits away.
    static func closest(to name: String) -> ConfigurationKey? {
        var best: (key: ConfigurationKey, distance: Int)?
        for key in Self.allCases {
            let distance = Self.editDistance(Array(name.utf8), Array(key.rawValue.utf8))
            if distance <= 2, distance < best?.distance ?? .max {
                best = (key, distance)
            }
        }
        return best?.key
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// adjacent characters each count one.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty {
            return max(a.count, b.count)
        }
        let width = b.count + 1
        var table = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count {
            table[i * width] = i
        }
        for j in 0...b.count {
            table[j] = j
        }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(
                    table[(i - 1) * width + j] + 1,
                    table[i * width + j - 1] + 1,
                    table[(i - 1) * width + j - 1] + cost
                )
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, table[(i - 2) * width + j - 2] + 1)
                }
                table[i * width + j] = value
            }
        }
        return table[a.count * width + b.count]
    }
}
