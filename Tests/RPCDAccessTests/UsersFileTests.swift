import Testing

@testable import RPCDAccess

@Suite struct UsersFileTests {
    // Computed with python3: hmac.new(b"cb77f0957de88ff388cf817ddbc7273", b"secret-password", "SHA256").hexdigest()
    static let salt = "cb77f0957de88ff388cf817ddbc7273"
    static let hmac = "7cced3df8c4cb3a6549e1e28eb03df85f0bbc3446918bd74f5c00d8f70c11c60"

    private static func parse(_ text: String) throws(UsersFileError) -> UsersFile {
        try UsersFile(fileContents: Array(text.utf8))
    }

    @Test func theHMACMatchesPythonsHmacModule() throws {
        let secret = UserSecret(salt: Self.salt, secret: "secret-password")
        #expect(secret.stored == "\(Self.salt)$\(Self.hmac)")
        #expect(secret.verifies("secret-password"))
        #expect(!secret.verifies("secret-passwore"))
        #expect(!secret.verifies(""))
    }

    @Test func linesCommentsAndBlankLines() throws {
        let file = try Self.parse(
            """
            # operators
            alice:\(Self.salt)$\(Self.hmac)

            bob:\(Self.salt)$\(Self.hmac):sum, math.*\r
              # the client certificate of the batch host
            batch.example.com::jobs.*

            """
        )
        #expect(file.records.map(\.name) == ["alice", "bob", "batch.example.com"])
        #expect(file.userCount == 2)
        #expect(file.records[0].permissions == .all)
        #expect(file.records[1].permissions.allows("sum") && file.records[1].permissions.allows("math.add"))
        #expect(!file.records[1].permissions.allows("summary") && !file.records[1].permissions.allows("math"))
        #expect(file.records[2].secret == nil)
        #expect(file.records[2].permissions.allows("jobs.run") && !file.records[2].permissions.allows("sum"))
        #expect(try Self.parse("").records.isEmpty)
    }

    @Test(arguments: [
        ("alice", "expected NAME:SALT$HMAC[:PATTERNS] or NAME::PATTERNS"),
        ("alice:", "no secret: expected NAME:SALT$HMAC[:PATTERNS] or NAME::PATTERNS"),
        (":\(salt)$\(hmac)", "the name is empty or holds whitespace, '$' or ','"),
        ("al ice:\(salt)$\(hmac)", "the name is empty or holds whitespace, '$' or ','"),
        ("token:\(salt)$\(hmac)", "the name 'token' is the bearer token's credential"),
        ("alice:\(hmac)", "the secret is not SALT$HMAC"),
        ("alice:$\(hmac)", "the secret is not SALT$HMAC"),
        ("alice:a$b$\(hmac)", "the secret is not SALT$HMAC"),
        ("alice:\(salt)$\(hmac.uppercased())", "the HMAC is not 64 lowercase hex digits"),
        ("alice:\(salt)$\(hmac.dropLast())", "the HMAC is not 64 lowercase hex digits"),
        ("alice:\(salt)$\(hmac):sum,,x", "an empty method pattern"),
        ("alice:\(salt)$\(hmac):ma*th", "the method pattern 'ma*th' has a '*' that is not a final '.*'"),
        ("alice:\(salt)$\(hmac):.*", "the method pattern '.*' has a '*' that is not a final '.*'"),
        ("alice:\(salt)$\(hmac):a b", "the method pattern 'a b' holds whitespace"),
    ])
    func malformedLinesAreNamed(line: String, message: String) {
        #expect(throws: UsersFileError(.malformedLine, line: 1, message)) {
            try Self.parse(line)
        }
    }

    @Test func errorsNameTheLineNumber() {
        let text = "# users\n\nalice:\(Self.salt)$\(Self.hmac)\nbob:nope\n"
        #expect(throws: UsersFileError(.malformedLine, line: 4, "the secret is not SALT$HMAC")) { try Self.parse(text) }
        let twice = "alice:\(Self.salt)$\(Self.hmac)\nalice::sum\n"
        #expect(throws: UsersFileError(.duplicateName, line: 2, "the name 'alice' is given twice")) {
            try Self.parse(twice)
        }
        #expect(throws: UsersFileError(.tooLarge, line: nil, "is larger than 1048576 bytes")) {
            try UsersFile(fileContents: Array(repeating: 0x23, count: UsersFile.maximumFileSize + 1))
        }
    }

    @Test func aGeneratedSecretRoundTripsThroughALine() throws {
        let (secret, stored) = UserSecret.generate()
        #expect(secret.utf8.count == 64 && stored.salt.utf8.count == 32)
        let line = UserRecord.line(name: "carol", secret: stored, patterns: "sum")
        let record = try UsersFile.record(line[...], number: nil)
        #expect(record.secret?.verifies(secret) == true)
        #expect(record.permissions.allows("sum") && !record.permissions.allows("echo"))
        #expect(UserSecret.generate().secret != secret)
    }

    @Test(arguments: [
        ("*", "anything.at.all", true),
        ("math.*", "math.add", true),
        ("math.*", "math.", true),
        ("math.*", "mathx.add", false),
        ("sum", "sum", true),
        ("sum", "sum2", false),
        ("sum,echo", "echo", true),
    ])
    func patterns(patterns: String, method: String, allowed: Bool) throws {
        #expect(try MethodPermissions(patterns: patterns[...]).allows(method) == allowed)
    }

    @Test func basicCredentialsDecode() {
        // base64 of "alice:alice-pass" (python3 base64.b64encode); the password may hold colons.
        let alice = BasicCredentials(encoded: "YWxpY2U6YWxpY2UtcGFzcw==")
        #expect(alice?.user == "alice" && alice?.password == "alice-pass")
        #expect(BasicCredentials(encoded: "YTpiOmM=")?.password == "b:c")
        #expect(BasicCredentials(encoded: "YWxpY2U=") == nil, "no colon")
        #expect(BasicCredentials(encoded: "YWxpY2U6YWxpY2UtcGFzcw=") == nil, "bad length")
        #expect(BasicCredentials(encoded: "YW=pY2U6") == nil, "padding inside")
        #expect(BasicCredentials(encoded: "") == nil)
    }
}
