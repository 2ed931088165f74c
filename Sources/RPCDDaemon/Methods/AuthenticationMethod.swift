internal import JSONRPC
internal import Logging
internal import RPCDAccess
internal import RPCDSystem

/// `rpc.authenticate` `{"token": "..."}` (DESIGN §9): how a TCP stream connection presents the
/// bearer token of `RPCD_AUTH_TOKEN_FILE` before its other calls run.
enum AuthenticationMethod {
    static func register(into registry: inout MethodRegistry, logger: Logger) {
        registry.register(
            ConnectionAuthentication.methodName,
            description: MethodDescription(
                summary: "Presents the bearer token on a TCP stream connection; true once accepted.",
                params: [.init(name: "token", required: true, schema: ["type": "string"])],
                result: .init(name: "authenticated", schema: ["type": "boolean"])
            )
        ) { params, context in
            guard case .named(let object) = params, object.count == 1, case .string(let token)? = object["token"] else {
                throw JSONRPCError.invalidParams("rpc.authenticate takes {\"token\": \"...\"}")
            }
            // Unix sockets and servers without a token file need nothing: already authenticated.
            guard let authentication = context.authentication else {
                return .bool(true)
            }
            if authentication.attempt(token) {
                return .bool(true)
            }
            logger.warning(
                "authentication failed",
                metadata: [
                    "peer": "\(context.peer ?? "?")", "transport": "\(context.transport)",
                    "failures": "\(authentication.failures)",
                ]
            )
            try await Task.sleep(for: ConnectionAuthentication.failureDelay)
            throw JSONRPCError(
                code: JSONRPCErrorCode.unauthorized,
                message: "Unauthorized",
                data: .string("wrong token")
            )
        }
    }

    /// Reads the token: the file's contents without surrounding whitespace (an editor's final newline).
    /// - Throws: `AuthenticationTokenError` when the file cannot be read or holds no token.
    static func readToken(_ path: String) throws(AuthenticationTokenError) -> [UInt8] {
        let contents: [UInt8]
        do {
            contents = try FileReader.read(path, limit: BearerToken.maximumFileSize)
        } catch {
            throw AuthenticationTokenError(message: "cannot read the token file \(path): \(error.errno)")
        }
        do {
            return try BearerToken(fileContents: contents).bytes
        } catch {
            throw AuthenticationTokenError(message: "the token file \(path) \(error.message)")
        }
    }
}

/// A token file that cannot serve.
struct AuthenticationTokenError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
