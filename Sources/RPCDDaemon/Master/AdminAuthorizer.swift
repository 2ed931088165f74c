internal import JSONRPC
internal import Logging
internal import RPCDSystem

/// Who may use the admin socket: root, the daemon's own user, or a member of `RPCD_ADMIN_GROUP`
/// (primary or supplementary group), judged by the kernel's `SO_PEERCRED` record and the groups
/// the peer process holds (DESIGN §9).
struct AdminAuthorizer: Sendable {
    let ownUserID: UInt32
    let adminGroupID: UInt32?
    let logger: Logger

    func check(_ context: RequestContext, method: String) throws(JSONRPCError) {
        guard let peer = context.peerCredentials else {
            throw self.refuse(method: method, reason: "no peer credentials")
        }
        if peer.uid == 0 || peer.uid == self.ownUserID {
            return
        }
        if let group = self.adminGroupID, peer.gid == group || Self.groups(of: peer).contains(group) {
            return
        }
        throw self.refuse(method: method, reason: "uid \(peer.uid) (pid \(peer.pid)) is not allowed")
    }

    /// The peer process's own groups; the group database of its uid only when `/proc` hides them.
    private static func groups(of peer: PeerCredentials) -> [UInt32] {
        ProcessFacts.groups(ofProcess: peer.pid) ?? UserDatabase.groups(ofUser: peer.uid)
    }

    private func refuse(method: String, reason: String) -> JSONRPCError {
        self.logger.warning("admin call refused", metadata: ["admin.method": "\(method)", "reason": "\(reason)"])
        return JSONRPCError(code: JSONRPCErrorCode.permissionDenied, message: "permission denied")
    }
}
