import RPCDSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct UserDatabaseTests {
    @Test func rootIsGroupZero() {
        #expect(UserDatabase.groupID(named: "root") == 0)
    }

    @Test func aNumericGroupIsItsNumber() {
        #expect(UserDatabase.groupID(named: "0") == 0)
        #expect(UserDatabase.groupID(named: "4242") == 4242)
    }

    @Test(arguments: ["no-such-group-rpcd-7f3a", "", "-1"])
    func anUnknownGroupIsNil(_ name: String) {
        #expect(UserDatabase.groupID(named: name) == nil)
    }

    @Test func rootIsInGroupZero() {
        let groups = UserDatabase.groups(ofUser: 0)
        #expect(groups.first == 0)
        #expect(Set(groups).count == groups.count)
    }

    @Test func ourOwnGroupsIncludeOurPrimaryGroup() throws {
        let account = try #require(getpwuid(getuid()))
        let groups = UserDatabase.groups(ofUser: getuid())
        #expect(groups.first == account.pointee.pw_gid)
    }

    @Test func anUnknownUserHasNoGroups() {
        #expect(UserDatabase.groups(ofUser: 3_999_999_999).isEmpty)
    }

    @Test func effectiveUserIDIsGeteuid() {
        #expect(UserDatabase.effectiveUserID == geteuid())
    }
}
