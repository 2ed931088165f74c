public import JSONRPC
internal import RPCDSystem

/// Methods that exist so supervision, timeouts and draining can be tested from outside
/// (`RPCD_TEST_METHODS=1`); never enable them in production.
public enum TestMethods {
    /// Registers `test.sleep`, `test.crash`, `test.hang` and `test.pid`.
    public static func register(into registry: inout MethodRegistry) {
        registry.register(
            "test.sleep",
            description: MethodDescription(
                summary: "Sleeps for ms milliseconds without blocking the event loop, then returns ms.",
                params: [.init(name: "ms", required: true, schema: ["type": "integer", "minimum": 0])],
                result: .init(name: "ms", schema: ["type": "integer"])
            )
        ) { params, _ in
            let milliseconds = try Self.milliseconds(params)
            try await Task.sleep(for: .milliseconds(milliseconds))
            return .number(JSONNumber(milliseconds))
        }

        registry.register(
            "test.crash",
            description: MethodDescription(summary: "Traps, killing the serving process.")
        ) { _, _ in
            fatalError("test.crash called")
        }

        registry.register(
            "test.hang",
            description: MethodDescription(summary: "Blocks the serving event loop forever.")
        ) { _, _ in
            while true {
                // Deliberately blocks the calling thread; only the process supervisor ends this.
                ProcessControl.blockThread(seconds: 3600)
            }
        }

        registry.register(
            "test.pid",
            description: MethodDescription(
                summary: "The pid of the process serving the call.",
                result: .init(name: "pid", schema: ["type": "integer"])
            )
        ) { params, _ in
            try BuiltinMethods.requireNoParams(params)
            return .number(JSONNumber(Int(ProcessFacts.pid)))
        }
    }

    private static func milliseconds(_ params: Params) throws(JSONRPCError) -> Int {
        let value: JSONValue?
        switch params {
        case .named(let object): value = object["ms"]
        case .positional(let values) where values.count == 1: value = values[0]
        default: value = nil
        }
        guard case .number(let number)? = value, let ms = number.int64, ms >= 0, ms <= 86_400_000 else {
            throw JSONRPCError.invalidParams("test.sleep takes {\"ms\": N} with N a whole number from 0 to 86400000")
        }
        return Int(ms)
    }
}
