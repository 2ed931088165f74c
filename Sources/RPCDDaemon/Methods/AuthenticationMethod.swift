internal import JSONRPC
internal import Logging
internal import RPCDAccess
internal import RPCDConfiguration
internal import RPCDSystem

/// `rpc.authenticate` (DESIGN §9, §11): how a TCP stream connection presents the bearer token
/// (`{"token"}`) or a user's password (`{"user", "password"}`) before its other calls run.
enum AuthenticationMethod {
    static func register(into registry: inout MethodRegistry, logger: Logger) {
        registry.register(ConnectionAuthentication.methodName, description: AuthenticationRequest.description) {
            params,
            context in
            let request = try AuthenticationRequest(params: params)
            // Unix sockets and servers without credentials need nothing: already authenticated.
            guard let authentication = context.authentication else { return .bool(true) }
            if request.attempt(on: authentication) { return .bool(true) }
            if authentication.takeLockoutNotice() {
                logger.warning(
                    "too many failed authentications: address locked out",
                    metadata: ["peer": "\(context.peer ?? "?")"]
                )
            }
            logger.warning(
                "authentication failed",
                metadata: [
                    "peer": "\(context.peer ?? "?")", "transport": "\(context.transport)",
                    "failures": "\(authentication.failures)",
                ]
            )
            try await Task.sleep(for: ConnectionAuthentication.failureDelay)
            // The same answer for a wrong token, a wrong password and an unknown user.
            let reason =
                authentication.lockedOutFor == nil ? "refused" : "too many failed authentications from this address"
            throw JSONRPCError(code: JSONRPCErrorCode.unauthorized, message: "Unauthorized", data: .string(reason))
        }
    }

    /// The token and users files of `configuration`, read by the machine's file reader.
    static func files(_ configuration: DaemonConfiguration) -> AccessPolicyFiles {
        AccessPolicyFiles(tokenFile: configuration.authTokenFile, usersFile: configuration.authUsersFile) {
            path,
            limit in
            do throws(SystemCallError) { return try FileReader.read(path, limit: limit) } catch { throw error.errno }
        }
    }
}
