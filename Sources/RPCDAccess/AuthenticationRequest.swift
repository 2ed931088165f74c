package import JSONRPC

/// The params of `rpc.authenticate`: `{"token": "..."}` or `{"user": "...", "password": "..."}`.
package enum AuthenticationRequest: Sendable, Hashable {
    /// The bearer token of `RPCD_AUTH_TOKEN_FILE`.
    case token(String)
    /// A user of `RPCD_AUTH_USERS_FILE` and the password.
    case user(String, password: String)

    /// Reads the params.
    /// - Throws: -32602 for anything but the two forms.
    package init(params: Params) throws(JSONRPCError) {
        guard case .named(let object) = params else { throw Self.invalid }
        if object.count == 1, case .string(let token)? = object["token"] {
            self = .token(token)
        } else if object.count == 2, case .string(let user)? = object["user"],
            case .string(let password)? = object["password"]
        {
            self = .user(user, password: password)
        } else {
            throw Self.invalid
        }
    }

    /// Presents the credential on `authentication`.
    /// - Returns: whether it was accepted.
    package func attempt(on authentication: ConnectionAuthentication) -> Bool {
        switch self {
        case .token(let token): authentication.attempt(token)
        case .user(let user, let password): authentication.attempt(user: user, password: password)
        }
    }

    /// The method's description for `rpc.discover`.
    package static let description = MethodDescription(
        summary:
            "Presents a credential on a TCP stream connection: the bearer token, or a user and password; true once accepted.",
        params: [
            .init(name: "token", required: false, schema: ["type": "string"]),
            .init(name: "user", required: false, schema: ["type": "string"]),
            .init(name: "password", required: false, schema: ["type": "string"]),
        ],
        result: .init(name: "authenticated", schema: ["type": "boolean"])
    )

    private static let invalid = JSONRPCError.invalidParams(
        #"rpc.authenticate takes {"token": "..."} or {"user": "...", "password": "..."}"#
    )
}
