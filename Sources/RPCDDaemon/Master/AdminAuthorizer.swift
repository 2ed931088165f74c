internal import JSONRPC
internal import Logging
internal import RPCDAccess
internal import RPCDSystem

/// The admin socket's access check: `AdminAccessRule` with the peer's groups from `/proc` (the
/// group database of its uid when `/proc` hides them); a refusal is logged and answered -32003.
struct AdminAuthorizer: Sendable {
    let rule: AdminAccessRule
    let logger: Logger

    func check(_ context: RequestContext, method: String) throws(JSONRPCError) {
        let groups = { (peer: PeerCredentials) in
            ProcessFacts.groups(ofProcess: peer.pid) ?? UserDatabase.groups(ofUser: peer.uid)
        }
        guard let reason = self.rule.refusal(of: context.peerCredentials, groups: groups) else { return }
        self.logger.warning("admin call refused", metadata: ["admin.method": "\(method)", "reason": "\(reason)"])
        throw JSONRPCError(code: JSONRPCErrorCode.permissionDenied, message: "permission denied")
    }
}
