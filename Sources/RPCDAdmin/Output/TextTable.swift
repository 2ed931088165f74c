/// A short aligned table for terminals: columns separated by two spaces, numbers right-aligned,
/// no trailing blanks.
package struct TextTable: Sendable {
    /// How a column's cells line up.
    package enum Alignment: Sendable {
        /// Text columns.
        case left
        /// Number columns.
        case right
    }

    /// The header row (empty for a headerless `key  value` table).
    package var header: [String]
    /// The alignment of each column; missing entries are left-aligned.
    package var alignments: [Alignment]
    /// The body rows.
    package var rows: [[String]]

    /// Creates a table.
    package init(header: [String] = [], alignments: [Alignment] = [], rows: [[String]] = []) {
        self.header = header
        self.alignments = alignments
        self.rows = rows
    }

    /// The table as text, one line per row, each ending in a newline.
    package var rendered: String {
        let all = (self.header.isEmpty ? [] : [self.header]) + self.rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var text = ""
        for row in all {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 {
                    line += "  "
                }
                let alignment = index < self.alignments.count ? self.alignments[index] : .left
                line += alignment == .right ? padding + cell : cell + padding
            }
            while line.last == " " {
                line.removeLast()
            }
            text += line + "\n"
        }
        return text
    }
}
