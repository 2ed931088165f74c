package import JSONRPC

/// Who may use the admin socket (DESIGN §9): root, the daemon's own user, or a member of
/// `RPCD_ADMIN_GROUP` (primary or supplementary group), judged by the kernel's `SO_PEERCRED`
/// record and the groups the peer process holds.
package struct AdminAccessRule: Sendable, Hashable {
    /// The user the daemon runs as.
    package var ownUserID: UInt32
    /// `RPCD_ADMIN_GROUP`'s id, if set.
    package var adminGroupID: UInt32?

    /// The rule for a daemon running as `ownUserID`.
    package init(ownUserID: UInt32, adminGroupID: UInt32?) {
        self.ownUserID = ownUserID
        self.adminGroupID = adminGroupID
    }

    /// Why `peer` may not use the admin socket, for the log; nil when it may.
    /// - Parameter groups: the peer's supplementary groups, asked only when its user and primary
    ///   group do not decide.
    package func refusal(of peer: PeerCredentials?, groups: (PeerCredentials) -> [UInt32]) -> String? {
        guard let peer else { return "no peer credentials" }
        if peer.uid == 0 || peer.uid == self.ownUserID {
            return nil
        }
        if let group = self.adminGroupID, peer.gid == group || groups(peer).contains(group) {
            return nil
        }
        return "uid \(peer.uid) (pid \(peer.pid)) is not allowed"
    }
}
