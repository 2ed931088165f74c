public import JSONRPC
internal import RPCDSystem

/// The methods every stock `rpcd` serves: `rpc.ping`, `echo`, `sum`, `divide` and `time`.
///
/// They use the low-level registration API: they take any JSON value and keep integer
/// arithmetic exact, which typed `Codable` parameters would lose.
public enum BuiltinMethods {
    /// Registers the built-in methods.
    public static func register(into registry: inout MethodRegistry) {
        registry.register(
            "rpc.ping",
            description: MethodDescription(
                summary: "Liveness check; answers \"pong\".",
                result: .init(name: "pong", schema: ["type": "string"])
            )
        ) { params, _ in
            try Self.requireNoParams(params)
            return "pong"
        }

        registry.register(
            "echo",
            description: MethodDescription(
                summary: "Returns its one parameter unchanged.",
                params: [.init(name: "message", required: true, schema: [:])],
                result: .init(name: "message", schema: [:])
            )
        ) { params, _ in
            switch params {
            case .positional(let values) where values.count == 1:
                return values[0]
            case .named(let object) where object.count == 1 && object["message"] != nil:
                return object["message"]!
            default:
                throw JSONRPCError.invalidParams("echo takes exactly one parameter: [value] or {\"message\": value}")
            }
        }

        registry.register(
            "sum",
            description: MethodDescription(
                summary: "Adds numbers; integers stay exact integers while they fit in 64 bits.",
                params: [
                    .init(name: "numbers", required: true, schema: ["type": "array", "items": ["type": "number"]])
                ],
                result: .init(name: "sum", schema: ["type": "number"])
            )
        ) { params, _ in
            let numbers: [JSONValue]
            switch params {
            case .positional(let values):
                numbers = values
            case .named(let object) where object.count == 1:
                guard case .array(let values)? = object["numbers"] else {
                    throw JSONRPCError.invalidParams("sum takes [n, ...] or {\"numbers\": [n, ...]}")
                }
                numbers = values
            default:
                throw JSONRPCError.invalidParams("sum takes [n, ...] or {\"numbers\": [n, ...]}")
            }
            return try Arithmetic.sum(numbers)
        }

        registry.register(
            "divide",
            description: MethodDescription(
                summary: "Divides dividend by divisor; division by zero is error -32000.",
                params: [
                    .init(name: "dividend", required: true, schema: ["type": "number"]),
                    .init(name: "divisor", required: true, schema: ["type": "number"]),
                ],
                result: .init(name: "quotient", schema: ["type": "number"])
            )
        ) { params, _ in
            let operands: (JSONValue, JSONValue)
            switch params {
            case .positional(let values) where values.count == 2:
                operands = (values[0], values[1])
            case .named(let object) where object.count == 2:
                guard let dividend = object["dividend"], let divisor = object["divisor"] else {
                    throw JSONRPCError.invalidParams(
                        "divide takes [dividend, divisor] or {\"dividend\": a, \"divisor\": b}"
                    )
                }
                operands = (dividend, divisor)
            default:
                throw JSONRPCError.invalidParams(
                    "divide takes [dividend, divisor] or {\"dividend\": a, \"divisor\": b}"
                )
            }
            return try Arithmetic.divide(operands.0, by: operands.1)
        }

        registry.register(
            "time",
            description: MethodDescription(
                summary: "The current time, ISO 8601 in UTC.",
                result: .init(name: "time", schema: ["type": "string", "format": "date-time"])
            )
        ) { params, _ in
            try Self.requireNoParams(params)
            return .string(WallClock.iso8601Now())
        }
    }

    static func requireNoParams(_ params: Params) throws(JSONRPCError) {
        switch params {
        case .none:
            return
        case .positional(let values) where values.isEmpty:
            return
        case .named(let object) where object.count == 0:
            return
        default:
            throw JSONRPCError.invalidParams("this method takes no parameters")
        }
    }
}
