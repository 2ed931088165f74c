import RPCDAdmin
import Testing

@Suite("Admin socket path")
struct AdminSocketPathTests {
    @Test(
        "the default follows DESIGN §3",
        arguments: [
            (["RUNTIME_DIRECTORY": "/run/rpcd-unit:/run/other"], UInt32(0), "/run/rpcd-unit/admin.sock"),
            (
                ["RUNTIME_DIRECTORY": "/run/rpcd-unit/", "XDG_RUNTIME_DIR": "/run/user/1000"], 1000,
                "/run/rpcd-unit/admin.sock"
            ),
            (["XDG_RUNTIME_DIR": "/run/user/0"], 0, "/run/rpcd/admin.sock"),
            (["XDG_RUNTIME_DIR": "/run/user/1000"], 1000, "/run/user/1000/rpcd/admin.sock"),
            (["XDG_RUNTIME_DIR": "relative"], 1000, "/tmp/rpcd-1000/admin.sock"),
            (["RUNTIME_DIRECTORY": ""], 1000, "/tmp/rpcd-1000/admin.sock"),
            ([:], 1000, "/tmp/rpcd-1000/admin.sock"),
        ]
    )
    func defaultPath(_ environment: [String: String], _ euid: UInt32, _ expected: String) {
        #expect(AdminSocketPath.default(environment: environment, effectiveUserID: euid) == expected)
    }

    @Test("RPCD_ADMIN_SOCKET wins when set and not empty")
    func environmentVariable() {
        #expect(
            AdminSocketPath.resolve(environment: ["RPCD_ADMIN_SOCKET": "/x/a.sock"], effectiveUserID: 0) == "/x/a.sock"
        )
        #expect(
            AdminSocketPath.resolve(environment: ["RPCD_ADMIN_SOCKET": ""], effectiveUserID: 0)
                == "/run/rpcd/admin.sock"
        )
    }

    @Test("the /tmp fallback is named after the real user id")
    func realUserID() {
        #expect(
            AdminSocketPath.default(environment: [:], effectiveUserID: 1000, userID: 1001)
                == "/tmp/rpcd-1001/admin.sock"
        )
    }
}
