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
