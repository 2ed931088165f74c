/// A log destination that cannot be used, e.g. a log file that cannot be opened.
package struct LogOutputError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// `open(2)` of the log file failed.
        package static let cannotOpenFile = Code("cannotOpenFile")

        package var description: String { self.name }
    }

    /// The kind of problem.
    package var code: Code
    /// A message for the operator, naming the path and the reason.
    package var message: String
    /// The underlying failure.
    package var cause: (any Error & Sendable)?

    /// Creates an error.
    package init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    package var description: String { self.message }
}
