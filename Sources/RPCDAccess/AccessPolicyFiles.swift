/// The access policy as `RPCD_AUTH_TOKEN_FILE` and `RPCD_AUTH_USERS_FILE` give it, read at start,
/// before a reload and in each new worker.
///
/// The bytes come from `read`, the machine's bounded file reader, passed in: this target does no
/// I/O of its own. Its error's description says why a file cannot be read (e.g. the errno).
package struct AccessPolicyFiles {
    /// Reads at most `limit` bytes of the file at `path`.
    package typealias Read = (_ path: String, _ limit: Int) throws -> [UInt8]

    /// `RPCD_AUTH_TOKEN_FILE`, if set.
    package var tokenFile: String?
    /// `RPCD_AUTH_USERS_FILE`, if set.
    package var usersFile: String?
    private let read: Read

    /// The files, read through `read`.
    package init(tokenFile: String?, usersFile: String?, read: @escaping Read) {
        self.tokenFile = tokenFile
        self.usersFile = usersFile
        self.read = read
    }

    /// The policy both files give; nil when neither is set.
    /// - Throws: `AccessFileError` naming the file and what is wrong (the line, for users).
    package func policy() throws(AccessFileError) -> AccessPolicy? {
        let token = try self.tokenFile.map(self.token)
        return AccessPolicy(token: token, users: try self.users())
    }

    /// The token: the file's contents without surrounding whitespace (an editor's final newline).
    package func token(_ path: String) throws(AccessFileError) -> [UInt8] {
        let contents = try self.contents(path, "token", limit: BearerToken.maximumFileSize)
        do {
            return try BearerToken(fileContents: contents).bytes
        } catch {
            throw AccessFileError(message: "the token file \(path) \(error.message)")
        }
    }

    /// The users; nil when no users file is set.
    package func users() throws(AccessFileError) -> UsersFile? {
        guard let path = self.usersFile else { return nil }
        let contents = try self.contents(path, "users", limit: UsersFile.maximumFileSize)
        do {
            return try UsersFile(fileContents: contents)
        } catch {
            throw AccessFileError(message: "the users file \(path) \(error.message)")
        }
    }

    /// The `--check-config` line about the users file (how many users; never a secret), or "".
    package var usersSummary: String {
        guard let path = self.usersFile, let users = try? self.users() else { return "" }
        return "# \(path): \(users.summary)\n"
    }

    private func contents(_ path: String, _ what: String, limit: Int) throws(AccessFileError) -> [UInt8] {
        do {
            return try self.read(path, limit)
        } catch {
            throw AccessFileError(message: "cannot read the \(what) file \(path): \(error)")
        }
    }
}

/// A token or users file that cannot serve.
package struct AccessFileError: Error, CustomStringConvertible {
    /// What is wrong, naming the file.
    package var message: String
    /// The message.
    package var description: String { self.message }
}
