/// A configuration that cannot be used: a bad value, or a config file that is missing or
/// malformed. At startup it means exit 2; on reload the old configuration keeps running.
package struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A key's value is not valid; the message names the key, the value and what was expected.
        package static let invalidValue = Code("invalidValue")
        /// `RPCD_CONFIG` (or `--config`) names a file that does not exist.
        package static let configFileNotFound = Code("configFileNotFound")
        /// The config file exists but cannot be read.
        package static let configFileUnreadable = Code("configFileUnreadable")
        /// A line of the config file is not `KEY=VALUE`; the message names the file and line.
        package static let malformedConfigFile = Code("malformedConfigFile")
        /// A listener reachable from other hosts with no credential configured (DESIGN §11).
        package static let unauthenticatedListener = Code("unauthenticatedListener")

        package var description: String { self.name }
    }

    /// The kind of problem.
    package var code: Code
    /// A message for the operator.
    package var message: String
    /// The underlying failure, if any (a system call error, an endpoint error).
    package var cause: (any Error & Sendable)?

    /// Creates an error.
    package init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    package var description: String { self.message }
}
