/// The params of one call, as sent: positional, named, or absent.
public enum Params: Sendable, Hashable {
    /// No `params` member, or `"params": null`.
    case none
    /// `"params": [...]`.
    case positional([JSONValue])
    /// `"params": {...}`; for duplicate names the last one wins.
    case named(JSONObject)
}

extension Params {
    /// The params as the JSON value that was sent (`nil` for ``none``).
    public var jsonValue: JSONValue? {
        switch self {
        case .none: nil
        case .positional(let values): .array(values)
        case .named(let object): .object(object)
        }
    }

    /// Whether no params were given: omitted, `null`, `[]` or `{}`.
    public var isEmpty: Bool {
        switch self {
        case .none: true
        case .positional(let values): values.isEmpty
        case .named(let object): object.isEmpty
        }
    }
}

extension Params {
    /// Decodes the params the way typed methods do: positional params are matched to `P.parameterNames` in order,
    /// named params may only use those names. Useful in raw handlers that also need the ``RequestContext``.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` naming the parameter and what was expected.
    public func decode<P: RPCParameters>(_ type: P.Type = P.self) throws(JSONRPCError) -> P {
        try TypedMethod.decodeParams(P.self, from: self)
    }
}
