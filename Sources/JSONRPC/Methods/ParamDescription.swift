/// Describes one parameter (or the result) of a method, as listed by `rpc.discover`: an OpenRPC content descriptor.
public struct ParamDescription: Sendable, Hashable {
    /// The parameter's name.
    public var name: String
    /// Whether the parameter must be given.
    public var required: Bool
    /// A JSON Schema for the value; `{}` allows anything.
    public var schema: JSONValue
    /// A human-readable description.
    public var description: String?

    /// Creates a descriptor.
    public init(
        name: String,
        required: Bool = true,
        schema: JSONValue = .object(JSONObject()),
        description: String? = nil
    ) {
        self.name = name
        self.required = required
        self.schema = schema
        self.description = description
    }
}
