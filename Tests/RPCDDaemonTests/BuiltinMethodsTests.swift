import Foundation
import JSONRPC
import RPCDDaemon
import Testing

@Suite("Built-in methods")
struct BuiltinMethodsTests {
    // MARK: Helpers

    /// A dispatcher serving the stock methods, with the `test.*` ones when asked.
    static func dispatcher(testMethods: Bool = false) -> Dispatcher {
        var registry = MethodRegistry()
        BuiltinMethods.register(into: &registry)
        if testMethods {
            TestMethods.register(into: &registry)
        }
        return Dispatcher(registry: registry)
    }

    static let stock = dispatcher()
    static let withTestMethods = dispatcher(testMethods: true)

    /// The exact response to `method` with `params` (a JSON text, or `nil` to omit them) and id 1.
    static func call(_ dispatcher: Dispatcher, _ method: String, _ params: String?) async -> String? {
        var message = #"{"jsonrpc":"2.0","method":""# + method + #"""#
        if let params { message += #","params":"# + params }
        message += #","id":1}"#
        switch dispatcher.dispatch(Array(message.utf8), context: RequestContext(transport: "test")) {
        case .noReply:
            return nil
        case .reply(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        case .pending(let work):
            return await work().map { String(decoding: $0, as: UTF8.self) }
        case .deferred:
            return "deferred"
        }
    }

    static func result(_ json: String) -> String {
        #"{"jsonrpc":"2.0","result":"# + json + #","id":1}"#
    }

    static func invalidParams(_ detail: String) -> String {
        #"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":""# + detail + #""},"id":1}"#
    }

    static let divisionByZero =
        #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"invalid operation: division by zero"},"id":1}"#

    struct Case: Sendable, CustomTestStringConvertible {
        var method: String
        var params: String?
        var response: String
        var testDescription: String { "\(self.method) \(self.params ?? "(none)")" }

        init(_ method: String, _ params: String?, _ response: String) {
            self.method = method
            self.params = params
            self.response = response
        }
    }

    // MARK: sum

    static let sumUsage = #"sum takes [n, ...] or {\"numbers\": [n, ...]}"#

    static let sumCases: [Case] = [
        Case("sum", "[1,2]", result("3")),
        Case("sum", "[1.1,2]", result("3.1")),
        Case("sum", "[1,2.5,-0.5]", result("3")),
        Case("sum", "[]", result("0")),
        Case("sum", "[-5]", result("-5")),
        Case("sum", #"{"numbers":[1,2]}"#, result("3")),
        Case("sum", #"{"numbers":[]}"#, result("0")),
        Case("sum", "[true]", invalidParams("numbers[0] must be a number")),
        Case("sum", #"["1"]"#, invalidParams("numbers[0] must be a number")),
        Case("sum", "[[1]]", invalidParams("numbers[0] must be a number")),
        Case("sum", "[1,null]", invalidParams("numbers[1] must be a number")),
        Case("sum", "[1e400]", invalidParams("numbers[0] is out of range: 1e400")),
        Case("sum", "[1,-1e400]", invalidParams("numbers[1] is out of range: -1e400")),
        // Exact while the total fits in 64 bits...
        Case("sum", "[9223372036854775806,1]", result("9223372036854775807")),
        Case("sum", "[-9223372036854775807,-1]", result("-9223372036854775808")),
        Case("sum", "[9223372036854775807,-1,1]", result("9223372036854775807")),
        // ...then double precision, never a trap.
        Case("sum", "[9223372036854775807,1]", result("9.223372036854776e+18")),
        Case("sum", "[-9223372036854775808,-1]", result("-9.223372036854776e+18")),
        Case("sum", "[18446744073709551616]", result("1.8446744073709552e+19")),
        Case("sum", #"{"numbers":1}"#, invalidParams(sumUsage)),
        Case("sum", #"{"nums":[1]}"#, invalidParams(sumUsage)),
        Case("sum", #"{"numbers":[1],"extra":2}"#, invalidParams(sumUsage)),
    ]

    @Test(arguments: sumCases)
    func sum(_ testCase: Case) async {
        #expect(await Self.call(Self.stock, testCase.method, testCase.params) == testCase.response)
    }

    // MARK: divide

    static let divideUsage = #"divide takes [dividend, divisor] or {\"dividend\": a, \"divisor\": b}"#

    static let divideCases: [Case] = [
        Case("divide", "[6,3]", result("2")),
        Case("divide", "[1,2]", result("0.5")),
        Case("divide", "[7,-2]", result("-3.5")),
        Case("divide", "[-6,3]", result("-2")),
        Case("divide", "[0,5]", result("0")),
        Case("divide", "[1.5,0.5]", result("3")),
        Case("divide", #"{"dividend":6,"divisor":3}"#, result("2")),
        Case("divide", #"{"divisor":3,"dividend":6}"#, result("2")),
        Case("divide", "[1,0]", divisionByZero),
        Case("divide", "[1,0.0]", divisionByZero),
        Case("divide", "[1,-0]", divisionByZero),
        Case("divide", "[0,0]", divisionByZero),
        Case("divide", #"{"dividend":1,"divisor":0}"#, divisionByZero),
        // Int64.min / -1 overflows 64 bits: double precision, not a trap.
        Case("divide", "[-9223372036854775808,-1]", result("9.223372036854776e+18")),
        Case("divide", "[-9223372036854775808,1]", result("-9223372036854775808")),
        Case("divide", "[1]", invalidParams(divideUsage)),
        Case("divide", "[1,2,3]", invalidParams(divideUsage)),
        Case("divide", "[]", invalidParams(divideUsage)),
        Case("divide", nil, invalidParams(divideUsage)),
        Case("divide", #"{"dividend":1}"#, invalidParams(divideUsage)),
        Case("divide", #"{"dividend":1,"divider":2}"#, invalidParams(divideUsage)),
        Case("divide", #"["6",3]"#, invalidParams("dividend must be a number")),
        Case("divide", "[6,true]", invalidParams("divisor must be a number")),
        Case("divide", "[1e400,1]", invalidParams("dividend is out of range: 1e400")),
    ]

    @Test(arguments: divideCases)
    func divide(_ testCase: Case) async {
        #expect(await Self.call(Self.stock, testCase.method, testCase.params) == testCase.response)
    }

    // MARK: echo

    static let echoUsage = #"echo takes exactly one parameter: [value] or {\"message\": value}"#

    static let echoCases: [Case] = [
        Case("echo", #"["x"]"#, result(#""x""#)),
        Case("echo", #"[{"a":[1,2]}]"#, result(#"{"a":[1,2]}"#)),
        Case("echo", #"{"message":"x"}"#, result(#""x""#)),
        Case("echo", #"{"message":[true,null]}"#, result("[true,null]")),
        Case("echo", "[null]", result("null")),
        Case("echo", #"["caf\u00e9 \ud83d\ude00"]"#, result(#""café 😀""#)),
        // Number tokens come back exactly as sent.
        Case("echo", "[1e3]", result("1e3")),
        Case("echo", "[1.50]", result("1.50")),
        Case("echo", "[-0]", result("-0")),
        Case("echo", "[123456789012345678901234567890]", result("123456789012345678901234567890")),
        Case("echo", "[]", invalidParams(echoUsage)),
        Case("echo", "[1,2]", invalidParams(echoUsage)),
        Case("echo", #"{"msg":1}"#, invalidParams(echoUsage)),
        Case("echo", #"{"message":1,"extra":2}"#, invalidParams(echoUsage)),
        Case("echo", "{}", invalidParams(echoUsage)),
        Case("echo", nil, invalidParams(echoUsage)),
    ]

    @Test(arguments: echoCases)
    func echo(_ testCase: Case) async {
        #expect(await Self.call(Self.stock, testCase.method, testCase.params) == testCase.response)
    }

    // MARK: rpc.ping, time

    static let noParams = "this method takes no parameters"

    static let pingCases: [Case] = [
        Case("rpc.ping", nil, result(#""pong""#)),
        Case("rpc.ping", "null", result(#""pong""#)),
        Case("rpc.ping", "[]", result(#""pong""#)),
        Case("rpc.ping", "{}", result(#""pong""#)),
        Case("rpc.ping", "[1]", invalidParams(noParams)),
        Case("rpc.ping", #"{"a":1}"#, invalidParams(noParams)),
        Case("time", "[1]", invalidParams(noParams)),
        Case("time", #"{"tz":"UTC"}"#, invalidParams(noParams)),
    ]

    @Test(arguments: pingCases)
    func pingAndParamlessMethods(_ testCase: Case) async {
        #expect(await Self.call(Self.stock, testCase.method, testCase.params) == testCase.response)
    }

    @Test(arguments: [nil, "[]", "{}"])
    func timeIsTheCurrentISO8601UTCTime(params: String?) async throws {
        let before = Date()
        let response = try #require(await Self.call(Self.stock, "time", params))
        let after = Date()
        let prefix = #"{"jsonrpc":"2.0","result":""#
        let suffix = #"","id":1}"#
        #expect(response.hasPrefix(prefix) && response.hasSuffix(suffix))
        let text = String(response.dropFirst(prefix.count).dropLast(suffix.count))
        #expect(text.hasSuffix("Z"))
        let parsed = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        // Millisecond precision, truncated: allow a millisecond either side.
        #expect(parsed >= before.addingTimeInterval(-0.001))
        #expect(parsed <= after.addingTimeInterval(0.001))
    }

    // MARK: rpc.discover

    static func methodNames(_ dispatcher: Dispatcher) async throws -> [String] {
        let response = try #require(await Self.call(dispatcher, "rpc.discover", nil))
        let value = try Array(response.utf8).withUnsafeBytes { try JSONParser().parse($0) }
        #expect(value["error"] == nil)
        let methods = try #require(value["result"]?["methods"]?.arrayValue)
        return methods.compactMap { $0["name"]?.stringValue }
    }

    @Test func discoverListsTheStockMethods() async throws {
        let names = try await Self.methodNames(Self.stock)
        #expect(Set(names) == ["rpc.ping", "echo", "sum", "divide", "time", "rpc.discover"])
        #expect(names.count == 6)
    }

    @Test func discoverListsTheTestMethodsWhenRegistered() async throws {
        let names = try await Self.methodNames(Self.withTestMethods)
        #expect(
            Set(names) == [
                "rpc.ping", "echo", "sum", "divide", "time", "rpc.discover",
                "test.sleep", "test.crash", "test.hang", "test.pid",
            ]
        )
    }

    @Test func discoverTakesNoParams() async {
        let response = await Self.call(Self.stock, "rpc.discover", "[1]")
        #expect(response == Self.invalidParams("rpc.discover takes no params"))
    }

    @Test func testMethodsAreAbsentUnlessRegistered() async {
        let response = await Self.call(Self.stock, "test.pid", nil)
        #expect(
            response
                == #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"test.pid"},"id":1}"#
        )
    }

    // MARK: test.*

    @Test func testPidIsThisProcess() async {
        let pid = ProcessInfo.processInfo.processIdentifier
        #expect(await Self.call(Self.withTestMethods, "test.pid", nil) == Self.result("\(pid)"))
        #expect(await Self.call(Self.withTestMethods, "test.pid", "[1]") == Self.invalidParams(Self.noParams))
    }

    @Test(arguments: [#"{"ms":10}"#, "[10]"])
    func testSleepAnswersItsArgument(params: String) async {
        let outcome = Self.withTestMethods.dispatch(
            Array(#"{"jsonrpc":"2.0","method":"test.sleep","params":\#(params),"id":1}"#.utf8),
            context: RequestContext(transport: "test")
        )
        guard case .pending(let work) = outcome else {
            Issue.record("test.sleep must be async: got \(outcome)")
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        let response = await work().map { String(decoding: $0, as: UTF8.self) }
        #expect(response == Self.result("10"))
        #expect(clock.now - start >= .milliseconds(10))
    }

    static let sleepUsage = #"test.sleep takes {\"ms\": N} with N a whole number from 0 to 86400000"#

    @Test(arguments: [#"{"ms":-1}"#, #"{"ms":1.5}"#, #"{"ms":"10"}"#, #"{"ms":86400001}"#, "[]", "{}", "[1,2]"])
    func testSleepRejectsBadDurations(params: String) async {
        #expect(await Self.call(Self.withTestMethods, "test.sleep", params) == Self.invalidParams(Self.sleepUsage))
    }
}
