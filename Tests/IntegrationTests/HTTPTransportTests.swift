import TestSupport
import Testing

/// JSON-RPC over HTTP/1.1: methods, content types, probes, framing, keep-alive and pipelining.
@Suite struct HTTPTransportTests {
    @Test func postAnswersWithTheExactJSONRPCResponse() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.post(JSONRPCMessages.ping())
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.pong())
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true, "\(response)")
    }

    @Test("any path is accepted", arguments: ["/", "/rpc", "/a/b/c?x=1"])
    func anyPath(_ path: String) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.post(JSONRPCMessages.request("sum", params: "[1,2]"), path: path)
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.result("3"))
    }

    @Test(
        "the JSON content types are accepted",
        arguments: [
            "application/json", "application/json; charset=utf-8", "Application/JSON ; charset=UTF-8",
            "application/json-rpc", "application/jsonrequest",
        ]
    )
    func acceptedContentType(_ contentType: String) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(headers: [("Content-Type", contentType)], body: JSONRPCMessages.ping())
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.pong())
    }

    @Test(
        "another content type is 415",
        arguments: [
            "text/plain", "multipart/form-data; boundary=x", "application/xml", "application/x-www-form-urlencoded",
        ]
    )
    func unsupportedContentType(_ contentType: String) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(headers: [("Content-Type", contentType)], body: JSONRPCMessages.ping())
        #expect(response.status == 415)
    }

    @Test(
        "other methods are 405",
        arguments: [("GET", "/"), ("GET", "/rpc"), ("PUT", "/"), ("DELETE", "/"), ("PATCH", "/healthz")]
    )
    func methodNotAllowed(_ method: String, _ path: String) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(method: method, path: path, headers: [], body: method == "GET" ? nil : "{}")
        #expect(response.status == 405, "\(response)")
    }

    @Test("probes answer 200", arguments: ["/healthz", "/readyz"])
    func probes(_ path: String) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(method: "GET", path: path, headers: [], body: nil)
        #expect(response.status == 200, "\(response)")
    }

    @Test func notificationOnlyIs204WithNoBody() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let single = try client.post(JSONRPCMessages.notification("rpc.ping"))
        #expect(single.status == 204)
        #expect(single.body.isEmpty)
        let batch = try client.post(
            "[\(JSONRPCMessages.notification("rpc.ping")),\(JSONRPCMessages.notification("echo", params: "[1]"))]"
        )
        #expect(batch.status == 204)
        #expect(batch.body.isEmpty)
        // The connection is still in step: the next request gets its own response.
        #expect(try client.post(JSONRPCMessages.ping(id: 2)).bodyText == JSONRPCMessages.pong(id: 2))
    }

    @Test func errorsAre200WithTheJSONRPCError() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let divide = try client.post(JSONRPCMessages.request("divide", params: "[1,0]", id: "4"))
        #expect(divide.status == 200)
        #expect(
            divide.bodyText
                == #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"invalid operation: division by zero"},"id":4}"#
        )
        let garbage = try client.post("{not json")
        #expect(garbage.status == 200)
        #expect(JSONRPCErrorPattern(code: -32700).matches(garbage.bodyText), "\(garbage)")
        let unknown = try client.post(JSONRPCMessages.request("nope", id: "5"))
        #expect(unknown.status == 200)
        #expect(JSONRPCErrorPattern(code: -32601, id: "5").matches(unknown.bodyText), "\(unknown)")
    }

    @Test func emptyBodyIs200WithAParseError() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(body: "")
        #expect(response.status == 200)
        #expect(JSONRPCErrorPattern(code: -32700).matches(response.bodyText), "\(response)")
    }

    @Test func batchOverHTTP() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.post(
            "[\(JSONRPCMessages.ping(id: 1)),\(JSONRPCMessages.request("sum", params: "[1.1,2]", id: "2"))]"
        )
        #expect(response.status == 200)
        #expect(
            Set(try JSONArrayText.elements(of: response.bodyText)) == [
                JSONRPCMessages.pong(id: 1), JSONRPCMessages.result("3.1", id: "2"),
            ]
        )
    }

    @Test func chunkedRequestBodyIsAccepted() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let body = Array(JSONRPCMessages.request("echo", params: #"["chunked"]"#, id: "6").utf8)
        var chunked: [UInt8] = []
        for chunk in [body[..<7], body[7..<30], body[30...]] {
            chunked += Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10]
        }
        chunked += Array("0\r\n\r\n".utf8)
        let response = try client.request(
            headers: [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
            bytes: chunked
        )
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.result("\"chunked\"", id: "6"))
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        for id in 1...200 {
            let response = try client.post(JSONRPCMessages.ping(id: id))
            #expect(response.status == 200)
            #expect(response.bodyText == JSONRPCMessages.pong(id: id))
            #expect(!response.announcesClose)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        // The first request is the slowest: HTTP/1.1 still answers in request order.
        let requests = [
            JSONRPCMessages.sleep(ms: 200, id: 1), JSONRPCMessages.ping(id: 2),
            JSONRPCMessages.request("sum", params: "[2,3]", id: "3"),
        ]
        try client.sendRaw(
            requests.flatMap {
                client.encode(
                    method: "POST",
                    path: "/",
                    headers: [("Content-Type", "application/json")],
                    body: Array($0.utf8)
                )
            }
        )
        let expected = [
            JSONRPCMessages.slept(ms: 200, id: 1), JSONRPCMessages.pong(id: 2), JSONRPCMessages.result("5", id: "3"),
        ]
        for body in expected {
            let response = try #require(try client.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == body)
        }
    }

    @Test func http10WithoutKeepAliveClosesAfterTheResponse() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(version: "HTTP/1.0", body: JSONRPCMessages.ping())
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.pong())
        #expect(try client.isClosedByPeer(timeout: .seconds(3)))
    }

    @Test func connectionCloseClosesAfterTheResponse() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.request(
            headers: [("Content-Type", "application/json"), ("Connection", "close")],
            body: JSONRPCMessages.ping()
        )
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.pong())
        #expect(try client.isClosedByPeer(timeout: .seconds(3)))
    }

    @Test func http10KeepAliveStaysOpen() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        for id in 1...3 {
            let response = try client.request(
                version: "HTTP/1.0",
                headers: [("Content-Type", "application/json"), ("Connection", "keep-alive")],
                body: JSONRPCMessages.ping(id: id)
            )
            #expect(response.bodyText == JSONRPCMessages.pong(id: id))
        }
    }

    /// Requests that could desynchronise a proxy and the server; each must be refused with 400 and
    /// the connection closed, so that the request smuggled behind it never runs.
    static let smugglingHeads: [String] = [
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Content-Length: 5\r\nContent-Length: 7\r\n",
        "Content-Length: abc\r\n",
        "Content-Length: -5\r\n",
    ]

    @Test("ambiguous framing is 400 and closes", arguments: Self.smugglingHeads)
    func smugglingIsRefused(_ framingHeaders: String) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let smuggled = JSONRPCMessages.request("echo", params: #"["smuggled"]"#, id: "66")
        let raw =
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\(framingHeaders)\r\n"
            + "0\r\n\r\n"
            + "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n\(smuggled)"
        try client.sendRaw(raw)
        let response = try #require(try client.readResponse())
        #expect(response.status == 400, "\(response)")
        // Nothing follows the 400: no second response, the smuggled call never ran.
        let rest = try client.connection.readToEnd(timeout: .seconds(3))
        #expect(rest.isEmpty, "after the 400: \(String(decoding: rest, as: UTF8.self))")
        #expect(!String(decoding: rest, as: UTF8.self).contains("smuggled"))
    }

    @Test func garbageRequestLineIsRefusedAndTheServerKeepsServing() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "http://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        try client.sendRaw("THIS IS NOT HTTP\r\n\r\n")
        if let response = try client.readResponse() {
            #expect(response.status == 400, "\(response)")
        }
        #expect(try client.isClosedByPeer(timeout: .seconds(3)))
        let other = try HTTPClient(listeners.http())
        #expect(try other.post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
    }
}
