/// The params type of a typed method: `Decodable`, plus the parameter names in positional order.
///
/// Positional params `[a, b]` are decoded as if they had been sent named, `{"<name0>": a, "<name1>": b}`.
/// Named params must only use these names; anything else is -32602. The names also describe the method in
/// `rpc.discover`.
public protocol RPCParameters: Decodable, Sendable {
    /// The parameter names, in the order positional params are given.
    static var parameterNames: [String] { get }
}

/// The params of a method that takes none: omitted, `null`, `[]` and `{}` are accepted, anything else is -32602.
public struct NoParams: RPCParameters, Hashable {
    /// No names.
    public static var parameterNames: [String] { [] }

    /// Creates the empty value.
    public init() {}

    /// Decodes from an empty object (the typed layer has already rejected any params).
    public init(from decoder: any Decoder) throws {}
}
