import JSONRPC
import Testing

/// Every example of the JSON-RPC 2.0 specification's "Examples" section, with the exact bytes rpcd answers.
///
/// rpcd adds a `data` member to some errors (the missing method's name, why a request is invalid, where the
/// JSON broke); everything else is the specification's answer without insignificant whitespace.
@Suite struct SpecExampleTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var name: String
        var request: String
        var response: String?
        var testDescription: String { name }
    }

    static let examples: [Example] = [
        Example(
            name: "positional params",
            request: #"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#,
            response: #"{"jsonrpc":"2.0","result":19,"id":1}"#
        ),
        Example(
            name: "positional params, reversed",
            request: #"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#,
            response: #"{"jsonrpc":"2.0","result":-19,"id":2}"#
        ),
        Example(
            name: "named params",
            request: #"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#,
            response: #"{"jsonrpc":"2.0","result":19,"id":3}"#
        ),
        Example(
            name: "named params, other order",
            request: #"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#,
            response: #"{"jsonrpc":"2.0","result":19,"id":4}"#
        ),
        Example(
            name: "notification",
            request: #"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#,
            response: nil
        ),
        Example(
            name: "notification without params",
            request: #"{"jsonrpc": "2.0", "method": "foobar"}"#,
            response: nil
        ),
        Example(
            name: "non-existent method",
            request: #"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#,
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"foobar"},"id":"1"}"#
        ),
        Example(
            name: "invalid JSON",
            request: #"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":"unexpected character 'p', expected ',' or '}' at byte 39"},"id":null}"#
        ),
        Example(
            name: "invalid Request object",
            request: #"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#,
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"'method' must be a string"},"id":null}"#
        ),
        Example(
            name: "batch, invalid JSON",
            request: """
                [
                  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                  {"jsonrpc": "2.0", "method"
                ]
                """,
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":"unexpected character ']', expected ':' at byte 101"},"id":null}"#
        ),
        Example(
            name: "empty array",
            request: "[]",
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"empty batch"},"id":null}"#
        ),
        Example(
            name: "invalid batch, but not empty",
            request: "[1]",
            response:
                #"[{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"a request must be an object"},"id":null}]"#
        ),
        Example(
            name: "invalid batch",
            request: "[1,2,3]",
            response: "["
                + [String](
                    repeating:
                        #"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"a request must be an object"},"id":null}"#,
                    count: 3
                ).joined(separator: ",") + "]"
        ),
        Example(
            name: "batch",
            request: """
                [
                    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
                    {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
                    {"foo": "boo"},
                    {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                    {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
                ]
                """,
            response: "["
                + #"{"jsonrpc":"2.0","result":7,"id":"1"},"#
                + #"{"jsonrpc":"2.0","result":19,"id":"2"},"#
                + #"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"missing member 'jsonrpc'"},"id":null},"#
                + #"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"foo.get"},"id":"5"},"#
                + #"{"jsonrpc":"2.0","result":["hello",5],"id":"9"}"#
                + "]"
        ),
        Example(
            name: "batch of notifications",
            request: """
                [
                    {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
                    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
                ]
                """,
            response: nil
        ),
    ]

    @Test(arguments: examples)
    func example(_ example: Example) async {
        let dispatcher = Dispatcher(registry: specRegistry())
        let response = await respond(dispatcher, example.request)
        #expect(response == example.response)
    }

    @Test func notificationsProduceNoReplyOutcome() {
        let dispatcher = Dispatcher(registry: specRegistry())
        let outcome = dispatcher.dispatch(
            Array(#"{"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}"#.utf8),
            context: RequestContext(transport: "test")
        )
        guard case .noReply = outcome else {
            Issue.record("expected .noReply, got \(outcome)")
            return
        }
    }
}
