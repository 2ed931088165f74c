import JSONRPC
import Testing

@Suite struct TypedMethodTests {
    struct Point: Codable, Sendable, Equatable {
        var x: Double
        var y: Double
    }

    struct ShapeParams: RPCParameters {
        static let parameterNames = ["name", "points", "scale", "tags", "extra"]
        var name: String
        var points: [Point]
        var scale: Int?
        var tags: [String]?
        var extra: JSONValue?
    }

    struct ShapeResult: Encodable, Sendable {
        var name: String
        var count: Int
        var first: Point?
        var scale: Int?
        var extra: JSONValue?
        var ratio: Double
    }

    struct NameParams: RPCParameters {
        static let parameterNames = ["name"]
        var name: String
    }

    static func dispatcher() -> Dispatcher {
        var registry = specRegistry()
        registry.register("shape", summary: "Describes a shape") { (params: ShapeParams) in
            ShapeResult(
                name: params.name,
                count: params.points.count,
                first: params.points.first,
                scale: params.scale,
                extra: params.extra,
                ratio: 3.0
            )
        }
        registry.register("nothing") { (_: NoParams) in "ok" }
        registry.register("infinite") { (_: NoParams) in Double.infinity }
        registry.register("greet") { (params: NameParams) async throws -> String in
            await Task.yield()
            guard !params.name.isEmpty else { throw JSONRPCError.applicationError("empty name") }
            return "hello \(params.name)"
        }
        registry.register("throwsUnknown") { (_: NoParams) -> Int in throw SecretFailure() }
        return Dispatcher(registry: registry)
    }

    static func invalidParams(_ detail: String, id: Int = 1) -> String {
        #"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"\#(detail)"},"id":\#(id)}"#
    }

    static let cases: [(String, String)] = [
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["tri",[{"x":0,"y":1.5}]],"id":1}"#,
            #"{"jsonrpc":"2.0","result":{"name":"tri","count":1,"first":{"x":0,"y":1.5},"ratio":3},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":{"points":[],"name":"dot","scale":2,"extra":{"k":[1e3]}},"id":1}"#,
            #"{"jsonrpc":"2.0","result":{"name":"dot","count":0,"scale":2,"extra":{"k":[1e3]},"ratio":3},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":{"name":"n","points":[],"scale":null},"id":1}"#,
            #"{"jsonrpc":"2.0","result":{"name":"n","count":0,"ratio":3},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":{"name":"dot"},"id":1}"#,
            invalidParams("missing required param 'points'")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":[1,[]],"id":1}"#,
            invalidParams("param 'name': expected a string, found number")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",[{"x":"0","y":1}]],"id":1}"#,
            invalidParams("param 'points[0].x': expected a number, found string")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",[{"x":1e400,"y":1}]],"id":1}"#,
            invalidParams("param 'points[0].x': number 1e400 is out of range for a double")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",[],1.5],"id":1}"#,
            invalidParams("param 'scale': expected an integer, 1.5 is not an integer")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",[],1e3],"id":1}"#,
            #"{"jsonrpc":"2.0","result":{"name":"a","count":0,"scale":1000,"ratio":3},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",[],99999999999999999999],"id":1}"#,
            invalidParams("param 'scale': expected an integer, 99999999999999999999 is out of range for Int")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",null],"id":1}"#,
            invalidParams("param 'points': expected an array, found null")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":["a",[],1,["t"],null,6],"id":1}"#,
            invalidParams("expected at most 5 positional params (name, points, scale, tags, extra), got 6")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","params":{"name":"a","points":[],"colour":"red"},"id":1}"#,
            invalidParams("unknown param 'colour'")
        ),
        (
            #"{"jsonrpc":"2.0","method":"shape","id":1}"#,
            invalidParams("missing required param 'name'")
        ),
        (#"{"jsonrpc":"2.0","method":"nothing","id":1}"#, #"{"jsonrpc":"2.0","result":"ok","id":1}"#),
        (#"{"jsonrpc":"2.0","method":"nothing","params":null,"id":1}"#, #"{"jsonrpc":"2.0","result":"ok","id":1}"#),
        (#"{"jsonrpc":"2.0","method":"nothing","params":[],"id":1}"#, #"{"jsonrpc":"2.0","result":"ok","id":1}"#),
        (#"{"jsonrpc":"2.0","method":"nothing","params":{},"id":1}"#, #"{"jsonrpc":"2.0","result":"ok","id":1}"#),
        (#"{"jsonrpc":"2.0","method":"nothing","params":[1],"id":1}"#, invalidParams("this method takes no params")),
        (
            #"{"jsonrpc":"2.0","method":"nothing","params":{"a":1},"id":1}"#,
            invalidParams("this method takes no params")
        ),
        (
            #"{"jsonrpc":"2.0","method":"infinite","id":1}"#,
            #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"throwsUnknown","id":1}"#,
            #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"greet","params":["ann"],"id":1}"#,
            #"{"jsonrpc":"2.0","result":"hello ann","id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"greet","params":{"name":"bo"},"id":1}"#,
            #"{"jsonrpc":"2.0","result":"hello bo","id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"greet","params":[""],"id":1}"#,
            #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"empty name"},"id":1}"#
        ),
        (
            #"{"jsonrpc":"2.0","method":"greet","params":[true],"id":1}"#,
            invalidParams("param 'name': expected a string, found boolean")
        ),
    ]

    @Test(arguments: cases)
    func typedCalls(_ request: String, _ expected: String) async {
        let response = await respond(Self.dispatcher(), request)
        #expect(response == expected)
    }

    @Test func subtractFromTheSpecIsTyped() async {
        let response = await respond(
            Dispatcher(registry: specRegistry()),
            #"{"jsonrpc":"2.0","method":"subtract","params":{"minuend":1,"subtrahend":"2"},"id":1}"#
        )
        #expect(response == Self.invalidParams("param 'subtrahend': expected an integer, found string"))
    }

    @Test func methodNamesInRegistrationOrder() {
        var registry = MethodRegistry()
        registry.register("b") { _, _ in nil }
        registry.register("a", asyncHandler: { _, _ in nil })
        registry.register("c") { (_: NoParams) in 1 }
        registry.register("b") { _, _ in 1 }  // replaces, keeps its place
        #expect(registry.methodNames == ["b", "a", "c"])
    }
}

@Suite struct JSONValueCodingTests {
    struct Everything: Codable, Equatable {
        var bool: Bool
        var int: Int
        var int8: Int8
        var uint64: UInt64
        var double: Double
        var float: Float
        var string: String
        var optional: String?
        var array: [Int]
        var nested: [String: [Double]]
        var value: JSONValue
        var number: JSONNumber
    }

    @Test func roundTrip() throws {
        let original = Everything(
            bool: true,
            int: -5,
            int8: 7,
            uint64: .max,
            double: 2.5,
            float: 0.1,
            string: "é\n",
            optional: nil,
            array: [1, 2],
            nested: ["k": [1.5]],
            value: ["x": [nil, 1]],
            number: JSONNumber(text: "1.50")!
        )
        let encoded = try JSONValueEncoder().encode(original)
        #expect(encoded["uint64"] == .number(JSONNumber(text: "18446744073709551615")!))
        #expect(encoded["float"] == .number(JSONNumber(text: "0.1")!))
        #expect(encoded["number"] == .number(JSONNumber(text: "1.50")!))
        #expect(encoded["optional"] == nil)
        let decoded = try JSONValueDecoder().decode(Everything.self, from: encoded)
        #expect(decoded == original)
        // Through text and back, too.
        let reparsed = try JSONParser().parse(JSONWriter.serialize(encoded))
        #expect(try JSONValueDecoder().decode(Everything.self, from: reparsed) == original)
    }

    @Test func encodesMembersInOrder() throws {
        struct Ordered: Encodable {
            var zebra = 1
            var apple = [true]
        }
        #expect(
            JSONWriter.serialize(try JSONValueEncoder().encode(Ordered())) == Array(#"{"zebra":1,"apple":[true]}"#.utf8)
        )
    }

    @Test func rejectsNonFiniteNumbers() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Double.nan]) }
    }

    @Test func unsignedRejectsNegative() {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(UInt8.self, from: -1) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(UInt8.self, from: 256) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Int.self, from: "1") }
    }
}

@Suite struct RawParamsDecodingTests {
    struct TokenParams: RPCParameters {
        static let parameterNames = ["token"]
        var token: String
        var options: JSONObject?
    }

    @Test func rawHandlersCanDecodeTypedParams() async {
        var registry = MethodRegistry()
        registry.register("auth") { params, context in
            let decoded: TokenParams = try params.decode()
            return .string("\(context.transport):\(decoded.token):\(decoded.options?.keys ?? [])")
        }
        let dispatcher = Dispatcher(registry: registry)
        let named = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"auth","params":{"token":"t"},"id":1}"#)
        #expect(named == #"{"jsonrpc":"2.0","result":"test:t:[]","id":1}"#)
        let positional = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"auth","params":["u"],"id":1}"#)
        #expect(positional == #"{"jsonrpc":"2.0","result":"test:u:[]","id":1}"#)
        let wrong = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"auth","params":[1],"id":1}"#)
        #expect(
            wrong
                == #"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"param 'token': expected a string, found number"},"id":1}"#
        )
    }

    @Test func objectsDecodeInOrder() throws {
        let value: JSONValue = ["token": "x", "options": ["b": 1, "a": 2]]
        let decoded = try JSONValueDecoder().decode(TokenParams.self, from: value)
        #expect(decoded.options?.keys == ["b", "a"])
    }
}
