extension ConfigValueSyntax {
    /// The items of a comma-separated list, blanks around each trimmed, empty items dropped.
    static func commaSeparated(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
    }

    /// `NAME[,NAME...]` of variable names (`RPCD_METHODS_PASS_ENV`, a backend's `PASS_ENV`).
    static func variableNames(_ text: String) throws(ValueProblem) -> [String] {
        let names = self.commaSeparated(text)
        for name in names where !self.isVariableName(name) {
            throw ValueProblem("'\(name)' is not a variable name (expected NAME[,NAME...], NAME of A-Z a-z 0-9 _)")
        }
        return names
    }
}

extension Substring {
    fileprivate func trimmingBlanks() -> String {
        String(
            self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
        )
    }
}
