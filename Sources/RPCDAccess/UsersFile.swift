/// The contents of `RPCD_AUTH_USERS_FILE` (DESIGN §11): one credential per line,
/// `NAME:SALT$HMAC[:PATTERNS]` (bitcoind's rpcauth form) or `NAME::PATTERNS` (permissions for a
/// client certificate with subject CN `NAME`); blank lines and `#` comments are skipped.
package struct UsersFile: Sendable, Hashable {
    /// The largest users file taken (1 MiB); a larger one is refused rather than cut short.
    package static let maximumFileSize = 1_048_576

    /// The credentials, in file order.
    package var records: [UserRecord]

    /// How many lines can log in with a password (the rest name client certificates).
    package var userCount: Int { self.records.count(where: { $0.secret != nil }) }

    /// How many users and certificate names, for `--check-config` (never a secret).
    package var summary: String {
        "\(self.userCount) users, \(self.records.count - self.userCount) certificate names"
    }

    /// Reads users-file contents.
    /// - Throws: `UsersFileError` naming the first bad line.
    package init(fileContents: [UInt8]) throws(UsersFileError) {
        guard fileContents.count <= Self.maximumFileSize else {
            throw UsersFileError(.tooLarge, line: nil, "is larger than \(Self.maximumFileSize) bytes")
        }
        let text = String(decoding: fileContents, as: UTF8.self)
        var records: [UserRecord] = []
        var seen: Set<String> = []
        // "\r\n" is one Character in Swift: both line ends are separators.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingSpaces()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let record = try Self.record(line, number: index + 1)
            guard seen.insert(record.name).inserted else {
                throw UsersFileError(.duplicateName, line: index + 1, "the name '\(record.name)' is given twice")
            }
            records.append(record)
        }
        self.records = records
    }

    /// The credential name the bearer token authenticates as; no line may take it.
    package static let tokenCredential = "token"

    /// Reads one line (`number` names it in errors; nil for a line not from a file).
    package static func record(_ line: Substring, number: Int?) throws(UsersFileError) -> UserRecord {
        func malformed(_ message: String) -> UsersFileError {
            UsersFileError(.malformedLine, line: number, message)
        }
        let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2 else {
            throw malformed("expected NAME:SALT$HMAC[:PATTERNS] or NAME::PATTERNS")
        }
        let name = fields[0]
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == "$" || $0 == "," }) else {
            throw malformed("the name is empty or holds whitespace, '$' or ','")
        }
        guard name != Self.tokenCredential else {
            throw malformed("the name '\(Self.tokenCredential)' is the bearer token's credential")
        }
        let permissions: MethodPermissions
        if fields.count == 3, !fields[2].isEmpty {
            do {
                permissions = try MethodPermissions(patterns: fields[2])
            } catch {
                throw malformed(error.message)
            }
        } else {
            permissions = .all
        }
        let stored = fields[1]
        if stored.isEmpty {
            guard fields.count == 3 else {
                throw malformed("no secret: expected NAME:SALT$HMAC[:PATTERNS] or NAME::PATTERNS")
            }
            return UserRecord(name: String(name), secret: nil, permissions: permissions)
        }
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(where: \.isWhitespace) else {
            throw malformed("the secret is not SALT$HMAC")
        }
        guard let hmac = UserSecret.hmacBytes(parts[1]) else {
            throw malformed("the HMAC is not 64 lowercase hex digits")
        }
        return UserRecord(
            name: String(name),
            secret: UserSecret(salt: String(parts[0]), hmac: hmac),
            permissions: permissions
        )
    }
}
