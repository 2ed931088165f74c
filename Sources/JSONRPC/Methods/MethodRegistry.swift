/// The methods a ``Dispatcher`` serves, in registration order.
///
/// Registering a name again replaces the earlier method (keeping its position). Names starting with `rpc.`
/// are reserved by JSON-RPC: only the ones registered here exist (plus `rpc.discover`, which the dispatcher
/// provides unless it is registered explicitly).
public struct MethodRegistry: Sendable {
    private(set) var methods: [RegisteredMethod] = []
    private var positions: [String: Int] = [:]

    /// Asked for methods the registry does not hold; nil routes nothing (unknown names are -32601).
    public var router: (any MethodRouter)?

    /// Creates an empty registry.
    public init() {}

    /// The registered method names, in registration order.
    public var methodNames: [String] { methods.map(\.name) }

    /// Whether a method named `name` is registered.
    public func contains(_ name: String) -> Bool { positions[name] != nil }

    private mutating func add(_ method: RegisteredMethod) {
        if let position = positions[method.name] {
            methods[position] = method
        } else {
            positions[method.name] = methods.count
            methods.append(method)
        }
    }

    /// Registers a synchronous method that sees the raw params; it runs inline on the transport's thread,
    /// so it must not block.
    ///
    /// - Parameters:
    ///   - name: The method name.
    ///   - description: How `rpc.discover` describes it.
    ///   - handler: Returns the result, or throws a ``JSONRPCError`` (any other error becomes -32603).
    public mutating func register(
        _ name: String,
        description: MethodDescription = .init(),
        handler: @escaping @Sendable (Params, RequestContext) throws -> JSONValue
    ) {
        add(RegisteredMethod(name: name, description: description, handler: .sync(handler)))
    }

    /// Registers an asynchronous method that sees the raw params; it runs under the request timeout.
    ///
    /// - Parameters:
    ///   - name: The method name.
    ///   - description: How `rpc.discover` describes it.
    ///   - asyncHandler: Returns the result, or throws a ``JSONRPCError`` (any other error becomes -32603).
    ///     It is cancelled when the request times out.
    public mutating func register(
        _ name: String,
        description: MethodDescription = .init(),
        asyncHandler: @escaping @Sendable (Params, RequestContext) async throws -> JSONValue
    ) {
        add(RegisteredMethod(name: name, description: description, handler: .async(asyncHandler)))
    }

    /// Registers a synchronous typed method: params are decoded into `P` (positional params are matched to
    /// `P.parameterNames` in order), the result is encoded from `R`. Params that do not decode are -32602.
    public mutating func register<P: RPCParameters, R: Encodable & Sendable>(
        _ name: String,
        summary: String = "",
        _ handler: @escaping @Sendable (P) throws -> R
    ) {
        let description = TypedMethod.description(summary: summary, params: P.self, result: R.self)
        register(name, description: description) { params, _ in
            let decoded = try TypedMethod.decodeParams(P.self, from: params)
            return try TypedMethod.encodeResult(handler(decoded))
        }
    }

    /// Registers an asynchronous typed method: params are decoded into `P` (positional params are matched to
    /// `P.parameterNames` in order), the result is encoded from `R`. Params that do not decode are -32602.
    public mutating func register<P: RPCParameters, R: Encodable & Sendable>(
        _ name: String,
        summary: String = "",
        _ handler: @escaping @Sendable (P) async throws -> R
    ) {
        let description = TypedMethod.description(summary: summary, params: P.self, result: R.self)
        register(name, description: description) { params, _ async throws in
            let decoded = try TypedMethod.decodeParams(P.self, from: params)
            return try TypedMethod.encodeResult(await handler(decoded))
        }
    }
}
