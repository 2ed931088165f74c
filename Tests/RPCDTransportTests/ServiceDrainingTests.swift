import NIOCore
import NIOEmbedded
import Testing

@testable import RPCDTransport

/// Out of rotation (DESIGN §12) and the message boundary, on `EmbeddedChannel`s: what each
/// protocol handler does with a `ServiceDrainingEvent`, and that no drain closes a stream with
/// half a message read.
@Suite("Service draining")
struct ServiceDrainingTests {
    static func frame(_ message: String, _ kind: StreamKind) -> ByteBuffer {
        switch kind {
        case .ndjson: ByteBuffer(string: message + "\n")
        case .length: .lengthPrefixed(message)
        }
    }

    static func responses(_ channel: EmbeddedChannel, _ kind: StreamKind) -> [String] {
        switch kind {
        case .ndjson: channel.flushedLines()
        case .length: channel.flushedFrames()
        }
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func aStreamConnectionThatAnsweredBeforeClosesAtOnceWhenIdle(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(request("ping"), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
        channel.pipeline.fireUserInboundEventTriggered(ServiceDrainingEvent())
        #expect(!channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func aNewStreamConnectionIsServedOnceThenCloses(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        channel.pipeline.fireUserInboundEventTriggered(ServiceDrainingEvent())
        #expect(channel.isActive, "a client that has just connected is about to send")
        try channel.writeInbound(Self.frame(request("ping"), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
        #expect(!channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func aDrainWaitsForTheRestOfAHalfReadMessage(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(request("ping"), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
        var whole = Self.frame(request("echo", "[7]", id: "2"), kind)
        let head = whole.readSlice(length: 10)!
        try channel.writeInbound(head)
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(channel.isActive, "closed with half a message read")
        try channel.writeInbound(whole)
        #expect(Self.responses(channel, kind) == [#"{"jsonrpc":"2.0","result":7,"id":2}"#])
        #expect(!channel.isActive)
    }

    @Test func anHTTPKeepAliveConnectionIsNotCutButItsNextAnswerSaysClose() throws {
        let registry = ConnectionRegistry(maxConnections: 100)
        let channel = try makeHTTPChannel(registry: registry)
        defer { channel.tearDown() }
        try channel.send(HTTPRPCHandlerTests.httpRequest("POST", "/", body: request("ping")))
        #expect(channel.flushedText() == HTTPRPCHandlerTests.pong)
        #expect(registry.setOutOfRotation(true))
        #expect(!registry.setOutOfRotation(true), "a second drain changes nothing")
        channel.pipeline.fireUserInboundEventTriggered(ServiceDrainingEvent())
        #expect(channel.isActive)
        try channel.send(HTTPRPCHandlerTests.httpRequest("GET", "/readyz", headers: []))
        let expected = HTTPRPCHandlerTests.httpResponse(
            "503 Service Unavailable",
            contentType: HTTPRPCHandlerTests.plainText,
            body: "draining\n",
            headers: ["connection: close"]
        )
        #expect(channel.flushedText() == expected)
        #expect(!channel.isActive)
        #expect(registry.setOutOfRotation(false))
        #expect(!registry.isDraining)
    }
}
