package import JSONRPC
internal import Synchronization

/// The access state of one network connection under an ``AccessPolicy`` (DESIGN §9 and §11):
/// which credential it presented, what that credential may call, and its failed attempts.
///
/// As the connection's ``CallAdmission`` it refuses every call but `rpc.authenticate` with -32001
/// until a credential has been accepted, and then every call outside the credential's patterns
/// with -32003 (per call, so per element of a batch). The transport closes a stream connection
/// once ``shouldClose`` says so (the third failure).
package final class ConnectionAuthentication: CallAdmission {
    /// The method that presents a credential: `{"token"}` or `{"user", "password"}`, result `true`.
    package static let methodName = "rpc.authenticate"
    /// Failed attempts after which the connection is closed.
    package static let maximumFailures = 3
    /// How long a failed attempt (any transport) waits before it is answered: guessing gets slow.
    package static let failureDelay: Duration = .milliseconds(250)

    private struct State {
        /// What `rpc.authenticate` or the request's `Authorization` accepted last.
        var presented: AccessPolicy.Grant?
        /// The transport's own credential (a verified client certificate), for the connection's life.
        var certificate: AccessPolicy.Grant?
        /// The credential last handed to the connection's ``RequestContext``, to tell the
        /// transport's setting of it from ours.
        var reported: String?
        var failures = 0
        /// How long the peer's address was still locked out at the last attempt (nanoseconds).
        var lockedOutFor: UInt64?
        /// Set when one of this connection's failures locked its address out, until logged.
        var lockoutNotice = false

        var grant: AccessPolicy.Grant? { self.presented ?? self.certificate }
    }

    private let policy: AccessPolicy
    private let lockout: (guardian: AccessGuard, address: String)?
    private let state = Mutex(State())

    /// Creates the state for a new connection under `policy`.
    /// - Parameter lockout: the stack's guard and the peer's IP address, whose failed attempts
    ///   count towards locking it out (DESIGN §11); nil counts none.
    package init(policy: AccessPolicy, lockout: (guardian: AccessGuard, address: String)? = nil) {
        self.policy = policy
        self.lockout = lockout
    }

    /// Creates the state for a connection that must present `token` (and has no users).
    package convenience init(token: [UInt8]) {
        self.init(policy: AccessPolicy(token: token, users: nil)!)
    }

    /// Whether the connection has an accepted credential.
    package var isAuthenticated: Bool { self.state.withLock { $0.grant != nil } }

    /// The accepted credential's name, nil before one.
    package var credential: String? { self.state.withLock { $0.grant?.credential } }

    /// The failed attempts so far.
    package var failures: Int { self.state.withLock { $0.failures } }

    /// Whether the connection has failed too often, or its address is locked out, and it must be
    /// closed after this answer.
    package var shouldClose: Bool {
        self.state.withLock { $0.failures >= Self.maximumFailures || $0.lockedOutFor != nil }
    }

    /// How long the peer's address was still locked out at the last attempt (nanoseconds), which
    /// was then refused unchecked; nil when it was not locked out.
    package var lockedOutFor: UInt64? { self.state.withLock { $0.lockedOutFor } }

    /// Whether one of this connection's failures locked its address out; true once, to log it once.
    package func takeLockoutNotice() -> Bool {
        self.state.withLock { state in
            defer { state.lockoutNotice = false }
            return state.lockoutNotice
        }
    }

    /// Presents the bearer token (compared in constant time).
    /// - Returns: whether it matched; the connection is authenticated as `token` from then on.
    package func attempt(_ presented: String) -> Bool {
        self.record { $0.grant(token: presented) }
    }

    /// Presents a user's password (its HMAC compared in constant time). An unknown user fails
    /// as a wrong password does.
    /// - Returns: whether it matched; the connection is authenticated as `user` from then on.
    package func attempt(user: String, password: String) -> Bool {
        self.record { $0.grant(user: user, password: password) }
    }

    /// Counts a request that presented no credential (HTTP without `Authorization`).
    /// - Returns: whether the connection is authenticated by its transport (a client certificate)
    ///   and so needs none.
    package func attemptWithoutCredential() -> Bool {
        self.state.withLock { state in
            state.presented = nil
            guard state.certificate != nil else {
                state.failures += 1
                return false
            }
            return true
        }
    }

    /// The credential the connection's calls run under, taking `transportCredential` (what the
    /// transport set in ``RequestContext/credential``, e.g. a client certificate's CN) as
    /// authenticated when it is not the name this object reported last.
    package func credential(adopting transportCredential: String?) -> String? {
        self.state.withLock { state in
            if let name = transportCredential, name != state.reported {
                state.certificate = self.policy.grant(certificate: name)
            }
            state.reported = state.grant?.credential
            return state.reported
        }
    }

    /// Checks an attempt unless the address is locked out, then counts a failure towards the lockout.
    private func record(_ check: (AccessPolicy) -> AccessPolicy.Grant?) -> Bool {
        let lockedOutFor = self.lockout.flatMap { $0.guardian.lockedOut($0.address) }
        let grant = lockedOutFor == nil ? check(self.policy) : nil
        let locked =
            grant == nil && lockedOutFor == nil
            && self.lockout.map { $0.guardian.recordFailure($0.address) } == .lockedOut
        self.state.withLock { state in
            // A failed attempt forgets an earlier one: what is presented last counts.
            state.presented = grant
            state.lockedOutFor = lockedOutFor
            if grant == nil { state.failures += 1 }
            if locked { state.lockoutNotice = true }
        }
        return grant != nil
    }

    /// -32001 for every method but ``methodName`` until the connection is authenticated; then
    /// -32003 for a method outside the credential's patterns (`rpc.discover` is always open: it
    /// lists only what may be called).
    package func refusal(of method: String) -> JSONRPCError? {
        guard method != Self.methodName else { return nil }
        guard let grant = self.state.withLock({ $0.grant }) else {
            return Self.authenticationRequired
        }
        guard method != "rpc.discover", !grant.permissions.allows(method) else { return nil }
        return JSONRPCError(
            code: JSONRPCErrorCode.permissionDenied,
            message: "Permission denied",
            data: .string("\(grant.credential) may not call \(method)")
        )
    }

    private static let authenticationRequired = JSONRPCError(
        code: JSONRPCErrorCode.unauthorized,
        message: "Unauthorized",
        data: .string("call \(ConnectionAuthentication.methodName) first")
    )
}
