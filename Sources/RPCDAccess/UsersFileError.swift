/// Users-file contents that cannot serve: the line and what is wrong with it.
package struct UsersFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A line that is not `NAME:SALT$HMAC[:PATTERNS]` or `NAME::PATTERNS`.
        package static let malformedLine = Code("malformedLine")
        /// A name given on two lines.
        package static let duplicateName = Code("duplicateName")
        /// More than ``UsersFile/maximumFileSize`` bytes.
        package static let tooLarge = Code("tooLarge")
    }

    /// What is wrong.
    package var code: Code
    /// The 1-based line number, nil for a problem of the whole file.
    package var line: Int?
    /// What is wrong, as the predicate of a sentence about the file:
    /// `the users file PATH <message>`, e.g. `line 3: the HMAC is not 64 lowercase hex digits`.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, line: Int?, _ message: String) {
        self.code = code
        self.line = line
        self.message = line.map { "line \($0): \(message)" } ?? message
    }

    /// The message.
    package var description: String { self.message }
}
