internal import RPCDAccess

/// `rpcd-admin add-user NAME [--methods P,...]` (DESIGN §11): a new users-file line with a random
/// secret. Nothing is sent to rpcd: the operator appends the line to `RPCD_AUTH_USERS_FILE` and
/// reloads. The salt and secret come from swift-crypto's generator (the kernel's CSPRNG).
package struct AddUser: Sendable {
    /// The user's name.
    package var name: String
    /// Comma-separated method patterns; nil for every method.
    package var methods: String?

    /// A command.
    package init(name: String, methods: String?) {
        self.name = name
        self.methods = methods
    }

    /// The line for the users file and the secret, as printed: `LINE\nsecret: SECRET\n`.
    /// - Throws: ``AdminUsageError`` for a name or patterns the users file would refuse.
    package func output() throws(AdminUsageError) -> String {
        let (secret, stored) = UserSecret.generate()
        let line = UserRecord.line(name: self.name, secret: stored, patterns: self.methods)
        do {
            // The line is read back as rpcd will read it: what is printed is what is accepted.
            _ = try UsersFile.record(line[...], number: nil)
        } catch {
            throw AdminUsageError("add-user: \(error.message)")
        }
        return "\(line)\nsecret: \(secret)\n"
    }
}
