import TestSupport
import Testing

/// `RPCD_MAX_REQUEST_BYTES`, `RPCD_MAX_DEPTH`, `RPCD_MAX_BATCH` and `RPCD_MAX_CONNECTIONS` as a
/// client meets them on each transport.
@Suite struct LimitsTests {
    static let limit = 1024

    /// An `echo` request padded to exactly `size` bytes.
    static func echoRequest(size: Int, id: Int = 1) -> String {
        let empty = JSONRPCMessages.request("echo", params: #"[""]"#, id: "\(id)")
        let padding = String(repeating: "a", count: size - empty.utf8.count)
        return JSONRPCMessages.request("echo", params: "[\"\(padding)\"]", id: "\(id)")
    }

    static func echoResponse(size: Int, id: Int = 1) -> String {
        let empty = JSONRPCMessages.request("echo", params: #"[""]"#, id: "\(id)")
        let padding = String(repeating: "a", count: size - empty.utf8.count)
        return JSONRPCMessages.result("\"\(padding)\"", id: "\(id)")
    }

    // MARK: Request size, NDJSON

    @Test func lineAtTheLimitIsServed() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let request = Self.echoRequest(size: Self.limit)
        #expect(request.utf8.count == Self.limit)
        // The limit counts the message, not its newline (nor a \r before it).
        #expect(try client.call(request) == Self.echoResponse(size: Self.limit))
        try client.sendRaw(Array((request + "\r\n").utf8))
        #expect(try client.readLine() == Self.echoResponse(size: Self.limit))
    }

    @Test func lineOverTheLimitIsRefusedAndClosed() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        try client.send(Self.echoRequest(size: Self.limit + 1))
        let reply = try client.readLine()
        #expect(JSONRPCErrorPattern(code: -32005).matches(reply), "got \(String(describing: reply))")
        #expect(try client.isClosedByPeer())
        // Other connections are unaffected.
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func lineIsRefusedAsSoonAsItPassesTheLimitWithoutItsEnd() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        // No newline ever comes: the server must not wait for one, and one byte over is enough.
        try client.sendRaw(Array(String(repeating: "[", count: Self.limit + 1).utf8))
        let reply = try client.readLine(timeout: .seconds(3))
        #expect(JSONRPCErrorPattern(code: -32005).matches(reply), "got \(String(describing: reply))")
        #expect(try client.isClosedByPeer())
    }

    @Test func hugeStreamIsCutOffEarly() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let sent = try client.sendRawUntilClosed([UInt8](repeating: UInt8(ascii: "a"), count: 64 << 20))
        #expect(sent < 64 << 20, "the server read 64 MiB without closing")
        let reply = try client.readLine()
        #expect(JSONRPCErrorPattern(code: -32005).matches(reply), "got \(String(describing: reply))")
        #expect(daemon.isRunning)
    }

    @Test("sizes with units", arguments: [("2KiB", 2048), ("1500", 1500)])
    func sizeUnits(_ setting: String, _ bytes: Int) throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": setting]
        )
        defer { daemon.kill() }

        let atLimit = try LineClient(listeners.ndjson())
        #expect(try atLimit.call(Self.echoRequest(size: bytes)) == Self.echoResponse(size: bytes))
        let over = try LineClient(listeners.ndjson())
        #expect(JSONRPCErrorPattern(code: -32005).matches(try over.call(Self.echoRequest(size: bytes + 1))))
    }

    // MARK: Request size, length-prefixed

    @Test func frameAtTheLimitIsServed() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0?framing=length",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        #expect(try client.call(Self.echoRequest(size: Self.limit)) == Self.echoResponse(size: Self.limit))
    }

    @Test func lengthPrefixOverTheLimitIsRefusedOnArrival() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0?framing=length",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        // Only the prefix is sent: the refusal must not wait for the payload.
        try client.sendRaw(LengthPrefixClient.prefix(UInt32(Self.limit + 1)))
        let reply = try client.readMessage(timeout: .seconds(3))
        #expect(JSONRPCErrorPattern(code: -32005).matches(reply), "got \(String(describing: reply))")
        #expect(try client.isClosedByPeer())
    }

    @Test func hugeLengthPrefixIsRefused() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        try client.sendRaw([0xff, 0xff, 0xff, 0xff])
        let reply = try client.readMessage(timeout: .seconds(3))
        #expect(JSONRPCErrorPattern(code: -32005).matches(reply), "got \(String(describing: reply))")
        #expect(try client.isClosedByPeer())
        #expect(try LengthPrefixClient(listeners.length()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    // MARK: Request size, HTTP

    @Test func httpBodyAtTheLimitIsServed() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.post(Self.echoRequest(size: Self.limit))
        #expect(response.status == 200)
        #expect(response.bodyText == Self.echoResponse(size: Self.limit))
    }

    @Test func httpBodyOverTheLimitIs413() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.post(Self.echoRequest(size: Self.limit + 1))
        #expect(response.status == 413, "\(response)")
    }

    @Test func httpContentLengthOverTheLimitIs413BeforeTheBody() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        // Only the head is sent; the answer must not wait for the body.
        try client.sendRaw(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(Self.limit + 1)\r\n\r\n"
        )
        let response = try #require(try client.readResponse(timeout: .seconds(3)))
        #expect(response.status == 413, "\(response)")
    }

    @Test func httpChunkedBodyOverTheLimitIs413() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_MAX_REQUEST_BYTES": "\(Self.limit)"]
        )
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let body = Array(Self.echoRequest(size: Self.limit + 1).utf8)
        var chunked: [UInt8] = []
        for chunk in [body[..<600], body[600...]] {
            chunked += Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10]
        }
        chunked += Array("0\r\n\r\n".utf8)
        try client.sendRaw(
            Array(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .utf8
            )
        )
        // The server may refuse and close while the body is still on its way.
        try client.sendRawUntilClosed(chunked)
        let response = try #require(try client.readResponse())
        #expect(response.status == 413, "\(response)")
    }

    // MARK: Depth

    @Test func depthAtTheLimitIsAcceptedAndDeeperIsInvalid() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_DEPTH": "4"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        // The request object is depth 1, params 2, then each nested array one more.
        #expect(
            try client.call(JSONRPCMessages.request("echo", params: "[[[1]]]", id: "1"))
                == JSONRPCMessages.result("[[1]]")
        )
        let deeper = try client.call(JSONRPCMessages.request("echo", params: "[[[[1]]]]", id: "2"))
        // Refused while scanning, before the id is known: id null.
        #expect(JSONRPCErrorPattern(code: -32600).matches(deeper), "got \(deeper)")
        // In a batch, the request object is already at depth 2.
        let batch = try client.call("[\(JSONRPCMessages.request("echo", params: "[[[1]]]", id: "3"))]")
        #expect(JSONRPCErrorPattern(code: -32600).matches(batch), "got \(batch)")
        let batchAtLimit = try client.call("[\(JSONRPCMessages.request("echo", params: "[[1]]", id: "4"))]")
        #expect(batchAtLimit == "[\(JSONRPCMessages.result("[1]", id: "4"))]")
        #expect(try client.call(JSONRPCMessages.ping(id: 5)) == JSONRPCMessages.pong(id: 5))
    }

    @Test func defaultDepthLimitIs64() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        // Depth: object 1, params 2, then 62 more arrays = 64.
        let atLimit = String(repeating: "[", count: 62) + String(repeating: "]", count: 62)
        let accepted = try client.call(JSONRPCMessages.request("echo", params: "[\(atLimit)]", id: "1"))
        #expect(accepted == JSONRPCMessages.result(atLimit))
        let over = "[" + atLimit + "]"
        let refused = try client.call(JSONRPCMessages.request("echo", params: "[\(over)]", id: "2"))
        #expect(JSONRPCErrorPattern(code: -32600).matches(refused), "got \(refused)")
    }

    // MARK: Batch

    @Test func batchOverTheLimitGetsOneErrorObject() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: ["RPCD_MAX_BATCH": "3"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let three = "[" + (1...3).map { JSONRPCMessages.ping(id: $0) }.joined(separator: ",") + "]"
        #expect(
            Set(try JSONArrayText.elements(of: try client.call(three)))
                == Set((1...3).map { JSONRPCMessages.pong(id: $0) })
        )

        let four = "[" + (1...4).map { JSONRPCMessages.ping(id: $0) }.joined(separator: ",") + "]"
        let refused = try client.call(four)
        #expect(JSONRPCErrorPattern(code: -32600).matches(refused), "got \(refused)")
        #expect(refused.contains("3"), "the message names the limit: \(refused)")

        let http = try HTTPClient(listeners.http())
        let response = try http.post(four)
        #expect(response.status == 200)
        #expect(JSONRPCErrorPattern(code: -32600).matches(response.bodyText), "\(response)")
    }

    // MARK: Connections

    @Test func connectionsOverTheLimitWaitUntilOneCloses() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_MAX_CONNECTIONS": "2", "RPCD_WORKERS": "0"]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()

        let first = try LineClient(endpoint)
        #expect(try first.call(JSONRPCMessages.ping(id: 1)) == JSONRPCMessages.pong(id: 1))
        let second = try LineClient(endpoint)
        #expect(try second.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))

        // The third connects (kernel backlog) but is not served while two are open.
        let third = try LineClient(endpoint)
        try third.send(JSONRPCMessages.ping(id: 3))
        #expect(try third.staysSilent(for: .milliseconds(500)))
        #expect(try second.call(JSONRPCMessages.ping(id: 22)) == JSONRPCMessages.pong(id: 22))

        first.close()
        #expect(try third.readLine(timeout: .seconds(5)) == JSONRPCMessages.pong(id: 3))
        #expect(try second.call(JSONRPCMessages.ping(id: 23)) == JSONRPCMessages.pong(id: 23))
    }
}
