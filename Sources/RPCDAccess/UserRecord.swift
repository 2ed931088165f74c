/// One line of `RPCD_AUTH_USERS_FILE`: a credential name, its stored secret and its methods.
package struct UserRecord: Sendable, Hashable {
    /// The user's name, or a client certificate's subject CN.
    package var name: String
    /// The stored secret; nil for a line `NAME::PATTERNS`, which only gives a client certificate
    /// with CN `NAME` its permissions (such a name cannot log in with a password).
    package var secret: UserSecret?
    /// What the credential may call.
    package var permissions: MethodPermissions

    /// A record.
    package init(name: String, secret: UserSecret?, permissions: MethodPermissions) {
        self.name = name
        self.secret = secret
        self.permissions = permissions
    }

    /// The line for the users file: `NAME:SALT$HMAC[:PATTERNS]`.
    package static func line(name: String, secret: UserSecret, patterns: String?) -> String {
        let suffix = patterns.map { ":\($0)" } ?? ""
        return "\(name):\(secret.stored)\(suffix)"
    }
}
