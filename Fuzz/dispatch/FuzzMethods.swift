import JSONRPC
import RPCDDaemon

/// The dispatcher the dispatch harness drives: the built-in methods, a raw echo and a typed method,
/// with small limits so that the fuzzer reaches them.
enum FuzzMethods {
    static let limits = DispatchLimits(maxBatch: 8, maxDepth: 12, requestTimeout: nil)

    static func dispatcher() -> Dispatcher {
        var registry = MethodRegistry()
        BuiltinMethods.register(into: &registry)
        registry.register("raw.echo") { params, _ in params.jsonValue ?? .null }
        registry.register("typed.shape", summary: "Describes a shape") { (params: ShapeParams) in
            ShapeResult(name: params.name, count: params.points.count, first: params.points.first, tags: params.tags)
        }
        return Dispatcher(registry: registry, limits: limits)
    }

    struct Point: Codable, Sendable {
        var x: Double
        var y: Int
    }

    struct ShapeParams: RPCParameters {
        static let parameterNames = ["name", "points", "tags"]
        var name: String
        var points: [Point]
        var tags: [String]?
    }

    struct ShapeResult: Encodable, Sendable {
        var name: String
        var count: Int
        var first: Point?
        var tags: [String]?
    }
}
