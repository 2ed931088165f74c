import TestSupport
import Testing

/// JSON-RPC over a `?framing=length` TCP listener: a 4-byte big-endian length before each message.
@Suite struct LengthPrefixedTests {
    @Test func pingGetsAFramedPong() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        try client.send(JSONRPCMessages.ping())
        let frame = try #require(try client.readFrame())
        #expect(frame == Array(JSONRPCMessages.pong().utf8))
        // The frame carries exactly the message: no trailing newline.
        #expect(frame.last == UInt8(ascii: "}"))
    }

    @Test func framesSplitAndCoalescedAreAllAnswered() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        // One frame sent a byte at a time, prefix included.
        for byte in LengthPrefixClient.frame(Array(JSONRPCMessages.ping(id: 1).utf8)) {
            try client.sendRaw([byte])
        }
        #expect(try client.readMessage() == JSONRPCMessages.pong(id: 1))

        // Thirty frames in one write.
        try client.sendRaw((2...31).flatMap { LengthPrefixClient.frame(Array(JSONRPCMessages.ping(id: $0).utf8)) })
        var replies: Set<String> = []
        for _ in 2...31 {
            replies.insert(try #require(try client.readMessage()))
        }
        #expect(replies == Set((2...31).map { JSONRPCMessages.pong(id: $0) }))
    }

    @Test func newlinesInsideAFrameAreJustWhitespace() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        #expect(
            try client.call("{\n\"jsonrpc\":\"2.0\",\n\"method\":\"sum\",\n\"params\":[1,2],\n\"id\":1\n}\n")
                == JSONRPCMessages.result("3")
        )
    }

    @Test func zeroLengthFrameIsAParseErrorAndTheConnectionStaysOpen() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        try client.sendRaw(LengthPrefixClient.prefix(0))
        let reply = try client.readMessage()
        #expect(JSONRPCErrorPattern(code: -32700).matches(reply), "got \(String(describing: reply))")
        #expect(try client.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))
    }

    @Test func parseErrorKeepsTheConnectionServing() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        let reply = try client.call("{garbage")
        #expect(JSONRPCErrorPattern(code: -32700).matches(reply), "got \(reply)")
        #expect(try client.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))
    }

    @Test func notificationGetsNoFrame() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        try client.send(JSONRPCMessages.notification("rpc.ping"))
        #expect(try client.call(JSONRPCMessages.ping(id: 3)) == JSONRPCMessages.pong(id: 3))
    }

    @Test func bothFramingsSideBySide() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0,tcp://127.0.0.1:0?framing=length")
        defer { daemon.kill() }
        let lines = try LineClient(listeners.ndjson())
        let frames = try LengthPrefixClient(listeners.length())

        #expect(try listeners.ndjson() != listeners.length())
        #expect(try lines.call(JSONRPCMessages.ping(id: 1)) == JSONRPCMessages.pong(id: 1))
        #expect(try frames.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))
    }
}
