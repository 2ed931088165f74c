/// Describes a method for `rpc.discover`.
public struct MethodDescription: Sendable, Hashable {
    /// A one-line summary.
    public var summary: String
    /// A longer description.
    public var description: String?
    /// The parameters, in positional order.
    public var params: [ParamDescription]
    /// The result; `nil` describes it as `{"name": "result", "schema": {}}`.
    public var result: ParamDescription?

    /// Creates a description.
    public init(
        summary: String = "",
        description: String? = nil,
        params: [ParamDescription] = [],
        result: ParamDescription? = nil
    ) {
        self.summary = summary
        self.description = description
        self.params = params
        self.result = result
    }
}
