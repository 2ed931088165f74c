package import JSONRPC

/// The exact environment of an exec method call (DESIGN §10.1): nothing of rpcd's own leaks in
/// except the names `RPCD_METHODS_PASS_ENV` lists.
package enum ExecEnvironment {
    /// `NAME=value` entries, sorted by name.
    /// - Parameters:
    ///   - method: `RPCD_METHOD`.
    ///   - requestID: the id token as sent; nil for a notification.
    ///   - deadlineMilliseconds: `RPCD_DEADLINE_MS`, the time left for the call.
    ///   - context: the transport, peer and credentials.
    ///   - passed: the names to copy from `daemonEnvironment`.
    package static func entries(
        method: String,
        requestID: String?,
        deadlineMilliseconds: Int64?,
        context: RequestContext,
        passed: [String],
        daemonEnvironment: [String: String]
    ) -> [String] {
        var variables: [String: String] = [:]
        for name in passed {
            if let value = daemonEnvironment[name] { variables[name] = value }
        }
        variables["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        variables["LANG"] = "C.UTF-8"
        variables["RPCD_METHOD"] = method
        variables["RPCD_REQUEST_ID"] = requestID
        variables["RPCD_DEADLINE_MS"] = deadlineMilliseconds.map { String($0) }
        let unix = context.peerCredentials != nil || context.peer?.hasPrefix("[UDS]") == true
        let named = ["http", "https", "tls"].contains(context.transport)
        variables["RPCD_TRANSPORT"] = named ? context.transport : (unix ? "unix" : "tcp")
        variables["RPCD_PEER"] = unix ? "unix" : context.peer.map(Self.hostAndPort)
        variables["RPCD_PEER_UID"] = context.peerCredentials.map { String($0.uid) }
        variables["RPCD_CREDENTIAL"] = context.credential
        return variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// `HOST:PORT` (`[V6]:PORT`) from SwiftNIO's address description, `[IPv4]127.0.0.1/127.0.0.1:5123`.
    package static func hostAndPort(_ description: String) -> String {
        guard description.hasPrefix("[IPv"), let slash = description.firstIndex(of: "/") else { return description }
        let rest = description[description.index(after: slash)...]
        guard description.hasPrefix("[IPv6]"), let colon = rest.lastIndex(of: ":") else { return String(rest) }
        return "[\(rest[..<colon])]\(rest[colon...])"
    }
}
