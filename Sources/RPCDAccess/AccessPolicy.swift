/// Who may connect over the network and what each may call: the bearer token
/// (`RPCD_AUTH_TOKEN_FILE`, credential `token`, every method) and the users file
/// (`RPCD_AUTH_USERS_FILE`). One value per serving stack, shared by its connections.
package struct AccessPolicy: Sendable {
    /// A credential that was accepted: its name (``RequestContext/credential``) and its methods.
    package struct Grant: Sendable, Hashable {
        /// `token`, a user's name or a client certificate's CN.
        package var credential: String
        /// What it may call.
        package var permissions: MethodPermissions
    }

    private let token: [UInt8]?
    private let users: [String: UserRecord]

    /// A policy; nil when neither a token nor users are configured (no authentication).
    package init?(token: [UInt8]?, users: UsersFile?) {
        guard token != nil || users != nil else { return nil }
        self.token = token
        var table: [String: UserRecord] = [:]
        for record in users?.records ?? [] {
            table[record.name] = record
        }
        self.users = table
    }

    /// The grant for a presented bearer token, compared in constant time.
    package func grant(token presented: String) -> Grant? {
        // Without a token file a guess is still compared, so that no answer comes sooner.
        let matches = Self.constantTimeEqual(Array(presented.utf8), self.token ?? [])
        guard matches, self.token != nil else { return nil }
        return Grant(credential: UsersFile.tokenCredential, permissions: .all)
    }

    /// The grant for a user's password. An unknown user (or a certificate-only line) costs an
    /// HMAC as a known one does, so that timing does not tell which names exist.
    package func grant(user: String, password: String) -> Grant? {
        guard let record = self.users[user], let secret = record.secret else {
            _ = Self.decoy.verifies(password)
            return nil
        }
        guard secret.verifies(password) else { return nil }
        return Grant(credential: record.name, permissions: record.permissions)
    }

    /// The grant for a connection the transport authenticated itself (a verified client
    /// certificate's CN): its users-file line's permissions, every method when it has none.
    package func grant(certificate name: String) -> Grant {
        Grant(credential: name, permissions: self.users[name]?.permissions ?? .all)
    }

    private static let decoy = UserSecret(salt: "decoy", hmac: Array(repeating: 0, count: 32))

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
