package import JSONRPC
internal import Synchronization

/// The authentication state of one connection that must present a token before its calls run
/// (DESIGN §9, `RPCD_AUTH_TOKEN_FILE` on TCP stream listeners).
///
/// As the connection's ``CallAdmission`` it refuses every call but `rpc.authenticate` with -32001
/// until the token has been presented. The transport closes the connection once ``shouldClose``
/// says so (the third failure).
package final class ConnectionAuthentication: CallAdmission {
    /// The method that presents the token: `{"token": "..."}`, result `true`.
    package static let methodName = "rpc.authenticate"
    /// Failed attempts after which the connection is closed.
    package static let maximumFailures = 3
    /// How long a failed attempt (any transport) waits before it is answered: guessing gets slow.
    package static let failureDelay: Duration = .milliseconds(250)

    private struct State {
        var authenticated = false
        var failures = 0
    }

    private let token: [UInt8]
    private let state = Mutex(State())

    /// Creates the state for a connection that must present `token`.
    package init(token: [UInt8]) {
        self.token = token
    }

    /// Whether the connection has presented the token.
    package var isAuthenticated: Bool { self.state.withLock { $0.authenticated } }

    /// The failed attempts so far.
    package var failures: Int { self.state.withLock { $0.failures } }

    /// Whether the connection has failed too often and must be closed after this answer.
    package var shouldClose: Bool { self.failures >= Self.maximumFailures }

    /// Checks a presented token in constant time (the comparison does not stop at the first
    /// differing byte, so its duration does not reveal how much of a guess was right).
    /// - Returns: whether it matched; the connection is authenticated from then on.
    package func attempt(_ presented: String) -> Bool {
        let matches = Self.constantTimeEqual(Array(presented.utf8), self.token)
        self.state.withLock { state in
            if matches {
                state.authenticated = true
            } else {
                state.failures += 1
            }
        }
        return matches
    }

    /// -32001 for every method but ``methodName`` until the connection is authenticated.
    package func refusal(of method: String) -> JSONRPCError? {
        guard method != Self.methodName, !self.isAuthenticated else { return nil }
        return Self.authenticationRequired
    }

    private static let authenticationRequired = JSONRPCError(
        code: JSONRPCErrorCode.unauthorized,
        message: "Unauthorized",
        data: .string("call \(ConnectionAuthentication.methodName) with the token first")
    )

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
