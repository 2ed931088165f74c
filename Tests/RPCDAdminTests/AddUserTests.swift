import RPCDAdmin
import Testing

@Suite struct AddUserTests {
    @Test func printsALineAndASecret() throws {
        let output = try AddUser(name: "alice", methods: "sum,math.*").output()
        let lines = output.split(separator: "\n")
        try #require(lines.count == 2, "\(output)")
        // NAME:SALT$HMAC:PATTERNS with a 32-digit salt and a 64-digit HMAC, all lowercase hex.
        let fields = lines[0].split(separator: ":")
        #expect(fields.count == 3 && fields[0] == "alice" && fields[2] == "sum,math.*", "\(lines[0])")
        let stored = fields[1].split(separator: "$")
        #expect(stored.count == 2 && stored[0].count == 32 && stored[1].count == 64)
        #expect(stored.allSatisfy { $0.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(lines[1].hasPrefix("secret: ") && lines[1].count == "secret: ".count + 64)
        #expect(!lines[0].contains(lines[1].dropFirst("secret: ".count)), "the secret itself is not stored")
        #expect(
            try AddUser(name: "alice", methods: nil).output().split(separator: "\n")[0].split(separator: ":").count == 2
        )
        #expect(try AddUser(name: "alice", methods: nil).output() != output, "a new secret each time")
    }

    @Test(
        arguments: [
            ("to ken", nil, "add-user: the name is empty or holds whitespace, '$' or ','"),
            ("token", nil, "add-user: the name 'token' is the bearer token's credential"),
            ("alice", "sum,", "add-user: an empty method pattern"),
            ("alice", "ma*th", "add-user: the method pattern 'ma*th' has a '*' that is not a final '.*'"),
        ] as [(String, String?, String)]
    )
    func refusesWhatTheUsersFileWouldRefuse(name: String, methods: String?, message: String) {
        #expect(throws: AdminUsageError.self) { try AddUser(name: name, methods: methods).output() }
        do {
            _ = try AddUser(name: name, methods: methods).output()
        } catch {
            #expect(error.message == message)
        }
    }
}
