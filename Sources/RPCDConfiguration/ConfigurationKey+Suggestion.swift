extension ConfigurationKey {
    /// The known key a misspelt name most likely meant (`RPCD_WORKRES` → `RPCD_WORKERS`): the
    /// closest by edit distance (with transpositions), if at most two edits away.
    static func closest(to name: String) -> ConfigurationKey? {
        Self.closest(to: name, among: Self.allCases, spelled: \.rawValue)
    }

    /// The candidate a misspelt `text` most likely meant: the closest spelling by edit distance,
    /// if at most two edits away (the first of equally close ones).
    static func closest<Candidate>(
        to text: String,
        among candidates: some Sequence<Candidate>,
        spelled spelling: (Candidate) -> String
    ) -> Candidate? {
        var best: (candidate: Candidate, distance: Int)?
        for candidate in candidates {
            let distance = Self.editDistance(Array(text.utf8), Array(spelling(candidate).utf8))
            if distance <= 2, distance < best?.distance ?? .max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
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
