import JSONRPC
import RPCDAccess
import Testing

@Suite("who may use the admin socket")
struct AdminAccessRuleTests {
    private let rule = AdminAccessRule(ownUserID: 998, adminGroupID: 50)

    @Test("root and the daemon's own user; groups are not asked")
    func ownersNeedNoGroups() {
        let noGroups: (PeerCredentials) -> [UInt32] = { _ in
            Issue.record("groups asked")
            return []
        }
        #expect(self.rule.refusal(of: PeerCredentials(pid: 1, uid: 0, gid: 0), groups: noGroups) == nil)
        #expect(self.rule.refusal(of: PeerCredentials(pid: 1, uid: 998, gid: 998), groups: noGroups) == nil)
    }

    @Test("a member of the admin group, primary or supplementary; nobody else")
    func adminGroup() {
        #expect(self.rule.refusal(of: PeerCredentials(pid: 7, uid: 1000, gid: 50), groups: { _ in [] }) == nil)
        #expect(self.rule.refusal(of: PeerCredentials(pid: 7, uid: 1000, gid: 1000), groups: { _ in [27, 50] }) == nil)
        #expect(
            self.rule.refusal(of: PeerCredentials(pid: 7, uid: 1000, gid: 1000), groups: { _ in [27] })
                == "uid 1000 (pid 7) is not allowed"
        )
        let noGroupRule = AdminAccessRule(ownUserID: 998, adminGroupID: nil)
        #expect(noGroupRule.refusal(of: PeerCredentials(pid: 7, uid: 1000, gid: 50), groups: { _ in [50] }) != nil)
        #expect(self.rule.refusal(of: nil, groups: { _ in [] }) == "no peer credentials")
    }
}
