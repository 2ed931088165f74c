import JSONRPC
import Testing

@Suite struct DiscoverTests {
    struct AddParams: RPCParameters {
        static let parameterNames = ["a", "b", "note"]
        var a: Int
        var b: [Double]
        var note: String?
    }

    static func dispatcher() -> Dispatcher {
        var registry = MethodRegistry()
        registry.register("rpc.ping", description: MethodDescription(summary: "Liveness check.")) { _, _ in "pong" }
        registry.register("add", summary: "Adds numbers") { (params: AddParams) in params.a }
        registry.register(
            "raw",
            description: MethodDescription(
                params: [ParamDescription(name: "x", required: false, schema: ["type": "string"], description: "an x")],
                result: ParamDescription(name: "y", schema: ["type": "boolean"])
            )
        ) { _, _ in true }
        return Dispatcher(registry: registry, serverInfo: ServerInfo(title: "rpcd", version: "1.2.3"))
    }

    @Test func documentShape() async throws {
        let response = try #require(
            await respond(Self.dispatcher(), #"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#)
        )
        let envelope = try JSONParser().parse(response)
        let document = try #require(envelope["result"])
        #expect(document["openrpc"] == "1.2.6")
        #expect(document["info"] == ["title": "rpcd", "version": "1.2.3"])
        let methods = try #require(document["methods"]?.arrayValue)
        #expect(methods.compactMap { $0["name"]?.stringValue } == ["rpc.ping", "add", "raw", "rpc.discover"])

        #expect(
            methods[1]
                == [
                    "name": "add",
                    "summary": "Adds numbers",
                    "params": [
                        ["name": "a", "required": true, "schema": ["type": "integer"]],
                        ["name": "b", "required": true, "schema": ["type": "array", "items": ["type": "number"]]],
                        ["name": "note", "required": false, "schema": ["type": "string"]],
                    ],
                    "result": ["name": "result", "schema": ["type": "integer"]],
                ]
        )
        #expect(
            methods[2]
                == [
                    "name": "raw",
                    "params": [["name": "x", "description": "an x", "required": false, "schema": ["type": "string"]]],
                    "result": ["name": "y", "schema": ["type": "boolean"]],
                ]
        )
        #expect(methods[0]["params"] == [])
        #expect(methods[3]["result"]?["name"] == "OpenRPC Schema")
    }

    @Test func discoverIsByteStableAndMatchesTheProperty() async throws {
        let dispatcher = Self.dispatcher()
        let first = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"rpc.discover","params":[],"id":1}"#)
        let second = await respond(dispatcher, #"{"jsonrpc":"2.0","method":"rpc.discover","params":{},"id":1}"#)
        #expect(first == second)
        let parsed = try JSONParser().parse(try #require(first))
        #expect(parsed["result"] == dispatcher.discoveryDocument)
    }

    @Test func discoverTakesNoParams() async {
        let response = await respond(
            Self.dispatcher(),
            #"{"jsonrpc":"2.0","method":"rpc.discover","params":[1],"id":1}"#
        )
        #expect(
            response
                == #"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"rpc.discover takes no params"},"id":1}"#
        )
    }

    @Test func anExplicitDiscoverWins() async {
        var registry = MethodRegistry()
        registry.register("rpc.discover") { _, _ in "mine" }
        let response = await respond(
            Dispatcher(registry: registry),
            #"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#
        )
        #expect(response == #"{"jsonrpc":"2.0","result":"mine","id":1}"#)
    }
}
