package import JSONRPC

/// Why an admin (or `call`) request got no usable answer, or what the daemon answered instead.
package struct AdminClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; ``exitStatus`` follows from it.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        /// Nothing serves the socket: no socket file (`ENOENT`) or nobody listening (`ECONNREFUSED`).
        package static let notRunning = Code(name: "not running")
        /// The socket refused us: `EACCES`/`EPERM` on connect, or a -32003 answer.
        package static let permissionDenied = Code(name: "permission denied")
        /// No answer before the deadline.
        package static let timeout = Code(name: "timeout")
        /// The daemon answered with a JSON-RPC error (other than -32003); see ``AdminClientError/rpcError``.
        package static let daemonError = Code(name: "daemon error")
        /// The answer was not a JSON-RPC response to our request, or the connection broke mid-way.
        package static let protocolError = Code(name: "protocol error")
        /// Connecting failed for another reason (a bad address, an unresolvable host).
        package static let connectionFailed = Code(name: "connection failed")

        /// The code's name, e.g. `not running`.
        package var description: String { self.name }
    }

    /// The kind of failure.
    package var code: Code
    /// A sentence for the operator, e.g. `rpcd is not running (no socket at /run/rpcd/admin.sock)`.
    package var message: String
    /// The JSON-RPC error the daemon answered with (``Code/daemonError``, ``Code/permissionDenied``).
    package var rpcError: JSONRPCError?
    /// The underlying failure, when there is one.
    package var cause: (any Error & Sendable)?

    /// Creates an error.
    package init(_ code: Code, _ message: String, rpcError: JSONRPCError? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.rpcError = rpcError
        self.cause = cause
    }

    /// The message.
    package var description: String { self.message }

    /// The exit status `rpcd-admin` reports for this error: 7 not running, 4 permission denied,
    /// 1 for everything else (a daemon error, a timeout, a broken answer).
    package var exitStatus: Int32 {
        switch self.code {
        case .notRunning: AdminExitStatus.notRunning
        case .permissionDenied: AdminExitStatus.permissionDenied
        default: AdminExitStatus.failure
        }
    }
}
