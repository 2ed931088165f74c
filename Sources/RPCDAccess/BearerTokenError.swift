/// Token file contents that hold no usable token.
package struct BearerTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the contents.
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Nothing but whitespace.
        package static let empty = Code("empty")
        /// More than ``BearerToken/maximumFileSize`` bytes.
        package static let tooLarge = Code("tooLarge")
    }

    /// What is wrong.
    package var code: Code
    /// What is wrong, as the predicate of a sentence about the file: `the token file PATH <message>`.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    package var description: String { self.message }
}
