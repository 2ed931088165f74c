import JSONRPC
import Testing

@Suite struct DispatcherTests {
    let dispatcher = Dispatcher(registry: specRegistry())

    static func invalid(_ detail: String, id: String = "null") -> String {
        #"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"\#(detail)"},"id":\#(id)}"#
    }

    // MARK: Ids

    static let ids = [
        "1", "0", "-0", "1e3", "1.50", "-1.5E+10", "123456789012345678901234567890", "null",
        #""abc""#, #""""#, #""a\u0041\n""#, "\"é😀\"", #""\/""#,
    ]

    @Test(arguments: ids)
    func idIsEchoedByteForByte(_ id: String) async {
        let response = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"echo","params":[1],"id":\#(id)}"#)
        #expect(response == #"{"jsonrpc":"2.0","result":1,"id":\#(id)}"#)
    }

    @Test(arguments: ids)
    func idIsEchoedOnErrors(_ id: String) async {
        let response = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"nope","id":\#(id)}"#)
        #expect(
            response
                == #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"nope"},"id":\#(id)}"#
        )
    }

    // MARK: Request objects

    static let envelopes: [(String, String?)] = [
        (
            #"{"jsonrpc":"2.0","method":"echo","params":["hello"],"id":1}"#,
            #"{"jsonrpc":"2.0","result":"hello","id":1}"#
        ),
        (#"{"id":1,"params":["x"],"method":"echo","jsonrpc":"2.0"}"#, #"{"jsonrpc":"2.0","result":"x","id":1}"#),
        (
            #" {"jsonrpc" : "2.0" , "method" : "echo" , "params" : [ 2 ] , "id" : 1 } "#,
            #"{"jsonrpc":"2.0","result":2,"id":1}"#
        ),
        (
            #"{"j\u0073onrpc":"2\u002e0","method":"ech\u006f","params":[3],"id":1}"#,
            #"{"jsonrpc":"2.0","result":3,"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"get_data","params":null,"id":1}"#,
            #"{"jsonrpc":"2.0","result":["hello",5],"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"echo","params":[{"a":1,"a":2}],"id":1}"#,
            #"{"jsonrpc":"2.0","result":{"a":2},"id":1}"#
        ),
        (#"{"jsonrpc":"2.0","method":"echo","params":["x"],"id":null}"#, #"{"jsonrpc":"2.0","result":"x","id":null}"#),
        (#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#, #"{"jsonrpc":"2.0","result":3,"id":1}"#),
        // DESIGN §9: members the spec does not name are ignored, whatever their value, even repeated.
        (
            #"{"jsonrpc":"2.0","method":"echo","params":["x"],"id":1,"extra":true}"#,
            #"{"jsonrpc":"2.0","result":"x","id":1}"#
        ),
        (
            #"{"trace":{"span":[1,{"a":null}],"s":"\u00e9"},"jsonrpc":"2.0","method":"echo","params":["x"],"id":1}"#,
            #"{"jsonrpc":"2.0","result":"x","id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","x":1,"x":2,"method":"echo","params":["x"],"ID":3,"id":1}"#,
            #"{"jsonrpc":"2.0","result":"x","id":1}"#
        ),
        (#"{"jsonrpc":"2.0","method":"nope","extra":[]}"#, nil),
        (#"{"extra":true}"#, invalid("missing member 'jsonrpc'")),
        (#"{"method":"echo","params":[1],"id":1}"#, invalid("missing member 'jsonrpc'", id: "1")),
        (#"{"jsonrpc":"2.0","params":[1],"id":1}"#, invalid("missing member 'method'", id: "1")),
        (#"{"jsonrpc":"1.0","method":"echo","params":[1],"id":1}"#, invalid(#"'jsonrpc' must be \"2.0\""#, id: "1")),
        (#"{"jsonrpc":2.0,"method":"echo","params":[1],"id":1}"#, invalid(#"'jsonrpc' must be \"2.0\""#, id: "1")),
        (#"{"jsonrpc":"2.0 ","method":"echo","params":[1],"id":1}"#, invalid(#"'jsonrpc' must be \"2.0\""#, id: "1")),
        (#"{"jsonrpc":"2.0","method":null,"id":"a"}"#, invalid("'method' must be a string", id: #""a""#)),
        (
            #"{"jsonrpc":"2.0","method":"echo","params":"x","id":1}"#,
            invalid("'params' must be an array or an object", id: "1")
        ),
        (
            #"{"jsonrpc":"2.0","method":"echo","params":1,"id":1}"#,
            invalid("'params' must be an array or an object", id: "1")
        ),
        (
            #"{"jsonrpc":"2.0","method":"echo","params":true,"id":1}"#,
            invalid("'params' must be an array or an object", id: "1")
        ),
        // A duplicate envelope member stays invalid, even beside members that are ignored.
        (
            #"{"jsonrpc":"2.0","extra":0,"method":"echo","method":"echo","id":1}"#,
            invalid("duplicate member 'method'", id: "1")
        ),
        (
            #"{"jsonrpc":"2.0","method":"echo","method":"echo","params":[1],"id":1}"#,
            invalid("duplicate member 'method'", id: "1")
        ),
        (#"{"jsonrpc":"2.0","jsonrpc":"2.0","method":"echo","id":1}"#, invalid("duplicate member 'jsonrpc'", id: "1")),
        (
            #"{"jsonrpc":"2.0","method":"echo","params":[1],"params":[2],"id":1}"#,
            invalid("duplicate member 'params'", id: "1")
        ),
        (#"{"jsonrpc":"2.0","method":"echo","id":1,"id":2}"#, invalid("duplicate member 'id'")),
        (#"{"jsonrpc":"2.0","method":"echo","id":true}"#, invalid("'id' must be a string, a number or null")),
        (#"{"jsonrpc":"2.0","method":"echo","id":{"a":1}}"#, invalid("'id' must be a string, a number or null")),
        (#"{"jsonrpc":"2.0","method":"echo","id":[1]}"#, invalid("'id' must be a string, a number or null")),
        (#"{"jsonrpc":"2.0","method":1}"#, invalid("'method' must be a string")),
        ("{}", invalid("missing member 'jsonrpc'")),
        ("1", invalid("a request must be an object")),
        (#""x""#, invalid("a request must be an object")),
        ("null", invalid("a request must be an object")),
        (
            #"{"jsonrpc":"2.0","method":"rpc.nope","id":1}"#,
            #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"rpc.nope"},"id":1}"#
        ),
        (#"{"jsonrpc":"2.0","method":"rpc.ping","id":1}"#, #"{"jsonrpc":"2.0","result":"pong","id":1}"#),
        (
            #"{"jsonrpc":"2.0","method":"divide","id":1}"#,
            #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"invalid operation: division by zero"},"id":1}"#
        ),
        // Notifications get no reply, not even when they fail.
        (#"{"jsonrpc":"2.0","method":"nope"}"#, nil),
        (#"{"jsonrpc":"2.0","method":"fail"}"#, nil),
        (#"{"jsonrpc":"2.0","method":"subtract","params":["x"]}"#, nil),
    ]

    @Test(arguments: envelopes)
    func requestObjects(_ request: String, _ expected: String?) async {
        let response = await respond(dispatcher, request)
        #expect(response == expected)
    }

    // MARK: Parse errors

    static let parseErrors = [
        #"{"jsonrpc":"2.0","method":"echo","params":[1,],"id":1}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":[01],"id":1}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":["\ud800"],"id":1}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":["\q"],"id":1}"#,
        #"{"jsonrpc":"2.0","method":"echo","params":[NaN],"id":1}"#,
        #"{'jsonrpc':'2.0','method':'echo','id':1}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1} x"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1}{"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1 /* c */}"#,
        #"[{"jsonrpc":"2.0","method":"echo","id":1},]"#,
        #"{"jsonrpc":"2.0","method":"echo","id":01}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1"#,
        // An ignored member is still scanned: its syntax errors spoil the message.
        #"{"jsonrpc":"2.0","method":"echo","id":1,"extra":[1,]}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1,"extra":{"a" 1}}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1,"extra":"\ud800"}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1,"extra":tru}"#,
        #"{"jsonrpc":"2.0","method":"echo","id":1,"extra":}"#,
    ]

    @Test(arguments: parseErrors)
    func parseErrorsAnswerWithNullID(_ request: String) async throws {
        let response = try #require(await respond(dispatcher, request))
        #expect(response.hasPrefix(#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":""#))
        #expect(response.hasSuffix(#"},"id":null}"#))
    }

    static let invalidUTF8: [[UInt8]] = [
        [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xFF], [0xE2, 0x82],
    ]

    @Test(arguments: invalidUTF8)
    func invalidUTF8IsAParseError(_ bad: [UInt8]) async throws {
        let message = Array(#"{"jsonrpc":"2.0","method":"echo","params":[""#.utf8) + bad + Array(#""],"id":1}"#.utf8)
        let response = try #require(await respond(dispatcher, message))
        #expect(response.hasPrefix(#"{"jsonrpc":"2.0","error":{"code":-32700,"#))
    }

    @Test func emptyMessageIsAParseError() async {
        let response = await respond(dispatcher, [])
        #expect(
            response
                == #"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":"empty message"},"id":null}"#
        )
    }

    @Test func blankMessageGetsNoReply() async {
        #expect(await respond(dispatcher, " \r\n\t") == nil)
    }

    // MARK: Errors

    @Test func unknownErrorsLeakNothing() async throws {
        let response = try #require(await respond(dispatcher, #"{"jsonrpc":"2.0","method":"fail","id":7}"#))
        #expect(response == #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":7}"#)
        #expect(!response.contains("hunter2"))
        #expect(!response.contains("SecretFailure"))
    }

    @Test func errorResponseForTransports() {
        #expect(
            String(decoding: Dispatcher.errorResponse(.requestTooLarge), as: UTF8.self)
                == #"{"jsonrpc":"2.0","error":{"code":-32005,"message":"Request too large"},"id":null}"#
        )
        #expect(
            String(decoding: Dispatcher.errorResponse(.parseError()), as: UTF8.self)
                == #"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#
        )
    }

    @Test func errorCodes() {
        let errors: [(JSONRPCError, Int)] = [
            (.parseError(), -32700), (.invalidRequest(), -32600), (.methodNotFound("m"), -32601),
            (.invalidParams("p"), -32602), (.internalError, -32603), (.applicationError("a"), -32000),
            (.unauthorized, -32001), (.requestTimeout, -32002), (.permissionDenied, -32003), (.serverBusy, -32004),
            (.requestTooLarge, -32005),
        ]
        for (error, code) in errors {
            #expect(error.code == code)
        }
        #expect(JSONRPCError.internalError.data == nil)
    }

    // MARK: Depth

    /// A request whose params nest to `depth` in total (the request object itself is depth 1).
    static func deepRequest(depth: Int) -> String {
        let arrays = depth - 1
        return #"{"jsonrpc":"2.0","method":"echo","params":"# + String(repeating: "[", count: arrays) + "1"
            + String(repeating: "]", count: arrays) + #","id":1}"#
    }

    @Test func depthLimitOfASingleRequest() async {
        let dispatcher = Dispatcher(registry: specRegistry(), limits: DispatchLimits(maxDepth: 5))
        #expect(await respond(dispatcher, Self.deepRequest(depth: 5)) == #"{"jsonrpc":"2.0","result":[[[1]]],"id":1}"#)
        let tooDeep = await respond(dispatcher, Self.deepRequest(depth: 6))
        #expect(tooDeep == Self.invalid("nesting deeper than the maximum depth of 5"))
    }

    @Test func depthLimitInsideABatch() async {
        let dispatcher = Dispatcher(registry: specRegistry(), limits: DispatchLimits(maxDepth: 5))
        // Inside a batch the request object is depth 2, so the same params reach one level deeper.
        let fits = await respond(dispatcher, "[" + Self.deepRequest(depth: 4) + "]")
        #expect(fits == #"[{"jsonrpc":"2.0","result":[[1]],"id":1}]"#)
        let tooDeep = await respond(dispatcher, "[" + Self.deepRequest(depth: 5) + "]")
        #expect(tooDeep == Self.invalid("nesting deeper than the maximum depth of 5"))
    }

    @Test func depthCountsInsideIgnoredMembers() async {
        let dispatcher = Dispatcher(registry: specRegistry(), limits: DispatchLimits(maxDepth: 5))
        func request(arrays: Int) -> String {
            #"{"jsonrpc":"2.0","method":"echo","params":[1],"extra":"# + String(repeating: "[", count: arrays)
                + String(repeating: "]", count: arrays) + #","id":1}"#
        }
        #expect(await respond(dispatcher, request(arrays: 4)) == #"{"jsonrpc":"2.0","result":1,"id":1}"#)
        #expect(
            await respond(dispatcher, request(arrays: 5)) == Self.invalid("nesting deeper than the maximum depth of 5")
        )
        let hostile = [UInt8](#"{"jsonrpc":"2.0","x":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        #expect(await respond(dispatcher, hostile) == Self.invalid("nesting deeper than the maximum depth of 5"))
    }

    @Test func hugeNestingIsRefusedWithoutCrashing() async throws {
        // DESIGN §9: depth is detected while scanning, so what follows the 65th level (balanced,
        // truncated or garbage) is never read and the answer is always -32600.
        let tooDeep = Self.invalid("nesting deeper than the maximum depth of 64")
        let open = [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        #expect(await respond(dispatcher, open) == tooDeep)
        let balanced = await respond(dispatcher, open + [UInt8](repeating: UInt8(ascii: "]"), count: 1 << 20))
        #expect(balanced == tooDeep)
        let objects = [UInt8](String(repeating: #"{"a":"#, count: 200_000).utf8)
        #expect(await respond(dispatcher, objects) == tooDeep)
        let shallowGarbage = [UInt8](String(repeating: "[", count: 10).utf8) + [UInt8(ascii: "x")]
        let garbage = try #require(await respond(dispatcher, shallowGarbage))
        #expect(garbage.hasPrefix(#"{"jsonrpc":"2.0","error":{"code":-32700,"#))
    }

    // MARK: Batches

    @Test func batchLimit() async {
        let dispatcher = Dispatcher(registry: specRegistry(), limits: DispatchLimits(maxBatch: 2))
        let call = #"{"jsonrpc":"2.0","method":"echo","params":[1],"id":1}"#
        let two = await respond(dispatcher, "[\(call),\(call)]")
        #expect(two == #"[{"jsonrpc":"2.0","result":1,"id":1},{"jsonrpc":"2.0","result":1,"id":1}]"#)
        let three = await respond(dispatcher, "[\(call),\(call),\(call)]")
        #expect(
            three
                == #"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: batch larger than the limit of 2 requests","data":"a batch may hold at most 2 requests"},"id":null}"#
        )
        let threeBroken = await respond(dispatcher, "[\(call),\(call),\(call)")
        #expect(threeBroken?.hasPrefix(#"{"jsonrpc":"2.0","error":{"code":-32700,"#) == true)
    }

    @Test func batchElementsAreAnsweredInRequestOrder() async {
        let batch = """
            [{"jsonrpc":"2.0","method":"echo","params":["a"],"id":"a"},
             {"jsonrpc":"2.0","method":"nope","id":2},
             {"jsonrpc":"2.0","method":"echo"},
             [],
             {"jsonrpc":"2.0","method":"echo","params":[3],"id":3},
             {"jsonrpc":"2.0","method":"echo","params":[4]},
             {"jsonrpc":"2.0","method":"fail","id":5}]
            """
        let response = await respond(dispatcher, batch)
        let expected =
            "["
            + #"{"jsonrpc":"2.0","result":"a","id":"a"},"#
            + #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"nope"},"id":2},"#
            + Self.invalid("a request must be an object") + ","
            + #"{"jsonrpc":"2.0","result":3,"id":3},"#
            + #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":5}"#
            + "]"
        #expect(response == expected)
    }

    @Test func invalidNotificationsInABatchAreStillAnswered() async {
        let response = await respond(dispatcher, #"[{"jsonrpc":"1.0","method":"echo"}]"#)
        #expect(response == "[" + Self.invalid(#"'jsonrpc' must be \"2.0\""#) + "]")
    }

    @Test func bufferIsOnlyNeededDuringTheCall() async throws {
        var message = Array(#"{"jsonrpc":"2.0","method":"echo","params":["kept"],"id":"abc"}"#.utf8)
        let outcome = dispatcher.dispatch(message, context: RequestContext(transport: "test"))
        for index in message.indices { message[index] = 0 }
        guard case .reply(let bytes) = outcome else {
            Issue.record("expected a reply")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"jsonrpc":"2.0","result":"kept","id":"abc"}"#)
    }

    @Test func contextReachesHandlers() async {
        var registry = MethodRegistry()
        registry.register("whoami") { _, context in .string("\(context.transport) \(context.peer ?? "-")") }
        let dispatcher = Dispatcher(registry: registry)
        let outcome = dispatcher.dispatch(
            Array(#"{"jsonrpc":"2.0","method":"whoami","id":1}"#.utf8),
            context: RequestContext(transport: "tcp", peer: "10.0.0.1:5")
        )
        guard case .reply(let bytes) = outcome else {
            Issue.record("expected a reply")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"jsonrpc":"2.0","result":"tcp 10.0.0.1:5","id":1}"#)
    }
}
