/// A failure inside a test helper: a timeout, a closed connection, a failed system call or an
/// unexpected reply, with a message that says what was being done.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        /// Waiting for something (a reply, an exit, a log line) took longer than allowed.
        public static let timedOut = Code(name: "timed out")
        /// The peer closed or reset the connection.
        public static let connectionClosed = Code(name: "connection closed")
        /// A system call failed.
        public static let systemCall = Code(name: "system call failed")
        /// The peer sent something that is not what the protocol allows.
        public static let protocolViolation = Code(name: "protocol violation")
        /// The binary under test could not be found.
        public static let binaryNotFound = Code(name: "binary not found")
        /// The process under test exited when it should not have.
        public static let processExited = Code(name: "process exited")

        public var description: String { self.name }
    }

    /// The kind of failure.
    public var code: Code
    /// What was being done and what went wrong.
    public var message: String

    /// Creates an error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
