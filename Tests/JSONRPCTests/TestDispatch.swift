import JSONRPC

/// What a dispatch produced, with pending outcomes awaited: `nil` when nothing is sent back.
func respond(_ dispatcher: Dispatcher, _ message: [UInt8], transport: String = "test") async -> String? {
    let outcome = dispatcher.dispatch(message, context: RequestContext(transport: transport))
    switch outcome {
    case .noReply:
        return nil
    case .reply(let bytes):
        return String(decoding: bytes, as: UTF8.self)
    case .pending, .deferred:
        return await outcome.response().map { String(decoding: $0, as: UTF8.self) }
    }
}

/// ``respond(_:_:transport:)`` for a message given as text.
func respond(_ dispatcher: Dispatcher, _ message: String) async -> String? {
    await respond(dispatcher, Array(message.utf8))
}

/// Params of the spec's `subtract` example, usable positionally or by name.
struct SubtractParams: RPCParameters {
    static let parameterNames = ["minuend", "subtrahend"]
    var minuend: Int
    var subtrahend: Int
}

struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "database password is hunter2" }
}

/// The methods of the JSON-RPC 2.0 specification's examples, plus a few for the dispatcher's own cases.
func specRegistry() -> MethodRegistry {
    var registry = MethodRegistry()
    registry.register("subtract", summary: "minuend - subtrahend") { (params: SubtractParams) in
        params.minuend - params.subtrahend
    }
    registry.register("sum") { params, _ in
        guard case .positional(let values) = params else { throw JSONRPCError.invalidParams("expected an array") }
        var total = 0
        for value in values {
            guard case .number(let number) = value, let integer = number.int64 else {
                throw JSONRPCError.invalidParams("expected integers")
            }
            total += Int(integer)
        }
        return .int(total)
    }
    registry.register("notify_hello") { _, _ in .null }
    registry.register("get_data") { _, _ in ["hello", 5] }
    registry.register("echo") { params, _ in
        guard case .positional(let values) = params, values.count == 1 else {
            throw JSONRPCError.invalidParams("expected one value")
        }
        return values[0]
    }
    registry.register("fail") { _, _ in throw SecretFailure() }
    registry.register("divide") { _, _ in throw JSONRPCError.applicationError("invalid operation: division by zero") }
    registry.register("rpc.ping") { _, _ in "pong" }
    return registry
}
