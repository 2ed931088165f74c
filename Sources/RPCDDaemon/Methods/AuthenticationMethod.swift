internal import JSONRPC
internal import Logging
internal import RPCDAccess

#if canImport(Glibc)
internal import Glibc
#endif

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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw AuthenticationTokenError(message: "cannot read the token file \(path): \(reason)")
        }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= 65_536 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += buffer.prefix(count)
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let token = Array(bytes.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
        guard !token.isEmpty else {
            throw AuthenticationTokenError(message: "the token file \(path) is empty")
        }
        return token
    }
}

/// A token file that cannot serve.
struct AuthenticationTokenError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
