/// A command line `rpcd-admin` cannot act on (exit 2): a bad level, unparseable params, a bad URL.
package struct AdminUsageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, for the operator.
    package var message: String

    /// Creates an error.
    package init(_ message: String) {
        self.message = message
    }

    /// The message.
    package var description: String { self.message }
}
