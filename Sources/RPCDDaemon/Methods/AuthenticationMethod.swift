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
            logger.warning(
                "authentication failed",
                metadata: [
                    "peer": "\(context.peer ?? "?")", "transport": "\(context.transport)",
                    "failures": "\(authentication.failures)",
                ]
            )
            try await Task.sleep(for: ConnectionAuthentication.failureDelay)
            // The same answer for a wrong token, a wrong password and an unknown user.
            throw JSONRPCError(code: JSONRPCErrorCode.unauthorized, message: "Unauthorized", data: .string("refused"))
        }
    }

    /// The access policy of `configuration` (its token and users files, read now); throws as the readers do.
    static func policy(_ configuration: DaemonConfiguration) throws(AuthenticationTokenError) -> AccessPolicy? {
        let token = try configuration.authTokenFile.map(Self.readToken)
        return AccessPolicy(token: token, users: try Self.readUsers(configuration))
    }

    /// The `--check-config` line about the users file (how many users; never a secret), or "".
    static func usersSummary(_ configuration: DaemonConfiguration) -> String {
        guard let users = try? Self.readUsers(configuration) else { return "" }
        return "# \(configuration.authUsersFile ?? ""): \(users.summary)\n"
    }

    /// Reads the token: the file's contents without surrounding whitespace (an editor's final newline).
    /// - Throws: `AuthenticationTokenError` when the file cannot be read or holds no token.
    static func readToken(_ path: String) throws(AuthenticationTokenError) -> [UInt8] {
        let contents = try Self.read(path, "token", limit: BearerToken.maximumFileSize)
        do {
            return try BearerToken(fileContents: contents).bytes
        } catch {
            throw AuthenticationTokenError(message: "the token file \(path) \(error.message)")
        }
    }

    /// Reads `RPCD_AUTH_USERS_FILE` (nil: none) at start, before a reload and in each new worker.
    /// - Throws: `AuthenticationTokenError` naming the file and the first bad line.
    static func readUsers(_ configuration: DaemonConfiguration) throws(AuthenticationTokenError) -> UsersFile? {
        guard let path = configuration.authUsersFile else { return nil }
        let contents = try Self.read(path, "users", limit: UsersFile.maximumFileSize)
        do {
            return try UsersFile(fileContents: contents)
        } catch {
            throw AuthenticationTokenError(message: "the users file \(path) \(error.message)")
        }
    }

    private static func read(_ path: String, _ what: String, limit: Int) throws(AuthenticationTokenError) -> [UInt8] {
        do {
            return try FileReader.read(path, limit: limit)
        } catch {
            throw AuthenticationTokenError(message: "cannot read the \(what) file \(path): \(error.errno)")
        }
    }
}

/// A token or users file that cannot serve.
struct AuthenticationTokenError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
