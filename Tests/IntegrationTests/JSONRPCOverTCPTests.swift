import Foundation
import TestSupport
import Testing

/// JSON-RPC 2.0 over a newline-delimited TCP listener, as a client sees it.
@Suite struct JSONRPCOverTCPTests {
    /// A request and the exact line rpcd answers with.
    struct Exchange: Sendable, CustomTestStringConvertible {
        let request: String
        let response: String
        var testDescription: String { self.request }
    }

    static let exactExchanges: [Exchange] = [
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":1}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","params":null,"id":2}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":2}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"echo","params":["x"],"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":"x","id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"echo","params":{"message":"hi"},"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":"hi","id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"echo","params":[{"a":[1,true,null]}],"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":{"a":[1,true,null]},"id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":3,"id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"sum","params":[1.1,2],"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":3.1,"id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"sum","params":{"numbers":[1,2,3]},"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":6,"id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"sum","params":[],"id":1}"#,
            response: #"{"jsonrpc":"2.0","result":0,"id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"divide","params":[1,0],"id":1}"#,
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"invalid operation: division by zero"},"id":1}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"divide","params":{"dividend":1,"divisor":0.0},"id":"d"}"#,
            response:
                #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"invalid operation: division by zero"},"id":"d"}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"test.sleep","params":{"ms":1},"id":9}"#,
            response: #"{"jsonrpc":"2.0","result":1,"id":9}"#
        ),
        // Ids are echoed as the exact token sent.
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":1e3}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":1e3}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":1.50}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":1.50}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":-0}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":-0}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":123456789012345678901234567890}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":123456789012345678901234567890}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":"abc"}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":"abc"}"#
        ),
        .init(
            request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":null}"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":null}"#
        ),
        .init(
            request: #"{ "id" : 4 , "method" : "rpc.ping" , "jsonrpc" : "2.0" }"#,
            response: #"{"jsonrpc":"2.0","result":"pong","id":4}"#
        ),
    ]

    @Test("exact response bytes", arguments: Self.exactExchanges)
    func exactResponse(_ exchange: Exchange) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        #expect(try client.call(exchange.request) == exchange.response)
    }

    /// A request and the error code (and id token) it must get, the message being free.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let request: String
        let code: Int
        let id: String
        var testDescription: String { self.request }
    }

    static let errorCases: [ErrorCase] = [
        .init(request: #"{"jsonrpc":"2.0","method":"no.such.method","id":5}"#, code: -32601, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"echo","params":[1,2],"id":5}"#, code: -32602, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"echo","params":{"text":"x"},"id":5}"#, code: -32602, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"sum","params":[1,"2"],"id":5}"#, code: -32602, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"sum","params":[true],"id":5}"#, code: -32602, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"sum","params":[1e400],"id":5}"#, code: -32602, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"rpc.ping","params":"x","id":5}"#, code: -32600, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"rpc.ping","params":3,"id":"s"}"#, code: -32600, id: "\"s\""),
        .init(request: #"{"jsonrpc":"1.0","method":"rpc.ping","id":5}"#, code: -32600, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"echo","method":"rpc.ping","id":5}"#, code: -32600, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":1,"id":5}"#, code: -32600, id: "5"),
        .init(request: #"{"jsonrpc":"2.0","method":"rpc.ping","id":{"a":1}}"#, code: -32600, id: "null"),
        .init(request: #"42"#, code: -32600, id: "null"),
        .init(request: #"[]"#, code: -32600, id: "null"),
        .init(request: #"{"jsonrpc":"2.0","method":"rpc.ping""#, code: -32700, id: "null"),
        .init(request: #"{"jsonrpc":"2.0","method":"echo","params":["\ud800"],"id":5}"#, code: -32700, id: "null"),
        .init(request: "not json", code: -32700, id: "null"),
    ]

    @Test("error responses", arguments: Self.errorCases)
    func errorResponse(_ errorCase: ErrorCase) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let reply = try client.call(errorCase.request)
        let pattern = JSONRPCErrorPattern(code: errorCase.code, id: errorCase.id)
        #expect(pattern.matches(reply), "got \(reply), expected \(pattern)")
        // Whatever the error, the connection keeps serving.
        #expect(try client.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))
    }

    @Test func timeIsISO8601InUTC() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let reply = try client.call(JSONRPCMessages.request("time", id: "1"))
        let match = reply.wholeMatch(
            of: /\{"jsonrpc":"2\.0","result":"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)","id":1\}/
        )
        let timestamp = try #require(match, "got \(reply)").1
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            timestamp.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let date = try #require(formatter.date(from: String(timestamp)))
        #expect(abs(date.timeIntervalSinceNow) < 60)
    }

    @Test func discoverListsEveryMethod() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let reply = try client.call(JSONRPCMessages.request("rpc.discover", id: "1"))
        #expect(reply.hasPrefix(#"{"jsonrpc":"2.0","result":{"#))
        #expect(reply.hasSuffix(#"},"id":1}"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
        let document = try #require(object["result"] as? [String: Any])
        #expect(document["openrpc"] is String)
        let methods = try #require(document["methods"] as? [[String: Any]])
        let names = Set(methods.compactMap { $0["name"] as? String })
        let expected: Set = [
            "rpc.ping", "echo", "sum", "divide", "time", "test.sleep", "test.crash", "test.hang", "test.pid",
        ]
        #expect(expected.isSubset(of: names), "methods: \(names.sorted())")
    }

    @Test func discoverOmitsTestMethodsUnlessEnabled() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_TEST_METHODS": "0"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let reply = try client.call(JSONRPCMessages.request("rpc.discover", id: "1"))
        #expect(reply.contains(#""rpc.ping""#))
        #expect(!reply.contains("test.sleep"))
        let sleep = try client.call(JSONRPCMessages.sleep(ms: 1, id: 2))
        #expect(JSONRPCErrorPattern(code: -32601, id: "2").matches(sleep), "got \(sleep)")
    }

    @Test func testPidIsTheServingProcess() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        #expect(
            try client.call(JSONRPCMessages.request("test.pid", id: "1")) == JSONRPCMessages.result("\(daemon.pid)")
        )
    }

    @Test func notificationsGetNoReply() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        try client.send(JSONRPCMessages.notification("rpc.ping"))
        try client.send(JSONRPCMessages.notification("echo", params: #"["x"]"#))
        try client.send(JSONRPCMessages.notification("no.such.method"))
        try client.send(JSONRPCMessages.notification("divide", params: "[1,0]"))
        // The first line back must be the answer to the request sent after the notifications.
        #expect(try client.call(JSONRPCMessages.ping(id: 7)) == JSONRPCMessages.pong(id: 7))
    }

    @Test func batchGetsAnArrayOfResponses() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let batch =
            "["
            + [
                JSONRPCMessages.request("sum", params: "[1,2]", id: "1"),
                JSONRPCMessages.notification("rpc.ping"),
                JSONRPCMessages.request("echo", params: #"["b"]"#, id: "\"two\""),
            ].joined(separator: ",") + "]"
        let reply = try client.call(batch)
        // Batch responses may come in any order: compare as a set of exact elements.
        let elements = try JSONArrayText.elements(of: reply)
        #expect(
            Set(elements) == [#"{"jsonrpc":"2.0","result":3,"id":1}"#, #"{"jsonrpc":"2.0","result":"b","id":"two"}"#]
        )
    }

    @Test func batchWithInvalidElementsAnswersEachOne() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let reply = try client.call(#"[1,{"jsonrpc":"2.0","method":"rpc.ping","id":3},"x"]"#)
        let elements = try JSONArrayText.elements(of: reply)
        #expect(elements.count == 3, "got \(reply)")
        #expect(elements.contains(JSONRPCMessages.pong(id: 3)))
        #expect(
            elements.filter { JSONRPCErrorPattern(code: -32600, id: "null").matches($0) }.count == 2,
            "got \(reply)"
        )
    }

    @Test func allNotificationBatchGetsNoReply() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        try client.send(
            "[\(JSONRPCMessages.notification("rpc.ping")),\(JSONRPCMessages.notification("echo", params: "[1]"))]"
        )
        #expect(try client.call(JSONRPCMessages.ping(id: 8)) == JSONRPCMessages.pong(id: 8))
    }

    @Test func framingToleratesCRLFBlankLinesAndSplitWrites() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        // \r\n line ends and blank lines in between.
        try client.sendRaw(Array("\n\r\n\(JSONRPCMessages.ping(id: 1))\r\n\n\n".utf8))
        #expect(try client.readLine() == JSONRPCMessages.pong(id: 1))
        // One request split over several writes.
        let request = Array((JSONRPCMessages.ping(id: 2) + "\n").utf8)
        try client.sendRaw(Array(request[..<10]))
        try client.sendRaw(Array(request[10..<25]))
        try client.sendRaw(Array(request[25...]))
        #expect(try client.readLine() == JSONRPCMessages.pong(id: 2))
        // Many requests in one write, each answered.
        try client.sendRaw(Array((1...50).map { JSONRPCMessages.ping(id: $0) + "\n" }.joined().utf8))
        var ids: Set<String> = []
        for _ in 1...50 {
            ids.insert(try #require(try client.readLine()))
        }
        #expect(ids == Set((1...50).map { JSONRPCMessages.pong(id: $0) }))
    }

    @Test func responsesComeBackInCompletionOrder() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        try client.send(JSONRPCMessages.sleep(ms: 300, id: 1))
        try client.send(JSONRPCMessages.ping(id: 2))
        #expect(try client.readLine() == JSONRPCMessages.pong(id: 2))
        #expect(try client.readLine() == JSONRPCMessages.slept(ms: 300, id: 1))
    }

    @Test func manyConnectionsAreServedConcurrently() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()

        let clients = try (0..<20).map { _ in try LineClient(endpoint) }
        let started = ContinuousClock.now
        for (index, client) in clients.enumerated() {
            try client.send(JSONRPCMessages.sleep(ms: 300, id: index))
        }
        for (index, client) in clients.enumerated() {
            #expect(try client.readLine() == JSONRPCMessages.slept(ms: 300, id: index))
        }
        // Twenty 300 ms sleeps run side by side, not one after the other.
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
