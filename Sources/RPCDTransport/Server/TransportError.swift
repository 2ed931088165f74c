internal import RPCDSystem

/// A transport failure the operator must act on, such as a port already in use.
package struct TransportError: Error, Sendable, CustomStringConvertible {
    package struct Code: Sendable, Hashable {
        private let name: String
        package static let addressInUse = Code(name: "address in use")
        package static let bindFailed = Code(name: "bind failed")
    }

    package var code: Code
    package var message: String
    package var cause: (any Error)?

    package init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    package var description: String { self.message }

    /// The errno behind the failure when a system call caused it, for `ERRNO=` to systemd.
    package var errno: Int32? {
        (self.cause as? SystemCallError)?.errno.rawValue
    }
}
