package import RPCDSystem

/// `RPCD_METHODS_DIR` cannot be listed: a configuration error (exit 2 at start, refused reload).
package struct ExecDirectoryError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The directory is missing, not a directory, or not readable.
        package static let unreadable = Code("unreadable")
    }

    /// Always `unreadable`.
    package var code = Code.unreadable
    /// The directory.
    package var directory: String
    /// Why it cannot be listed.
    package var cause: SystemCallError

    /// Creates the error.
    package init(directory: String, cause: SystemCallError) {
        self.directory = directory
        self.cause = cause
    }

    package var description: String { "RPCD_METHODS_DIR \(self.directory) cannot be read: \(self.cause.errno)" }
}
