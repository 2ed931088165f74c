import NIOCore
import NIOEmbedded
import RPCDAccess
import Testing

@testable import RPCDTransport

/// The CORS answers byte for byte (DESIGN §11): the origin echoed, never `*`.
@Suite("HTTP CORS answers")
struct HTTPCORSTests {
    static let origin = "https://app.example"

    private static func channel(recorder: CallRecorder = CallRecorder()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try addHTTPHandlers(
            to: channel.pipeline.syncOperations,
            dispatcher: transportDispatcher(recorder: recorder),
            limits: TransportLimits(maxRequestBytes: testLimit, allowedOrigins: OriginPolicy([Self.origin])),
            registry: ConnectionRegistry(maxConnections: 100),
            calls: PendingCallRunner()
        )
        try channel.connect(to: testPeer).wait()
        return channel
    }

    @Test func aPreflightFromTheAllowedOriginIs204WithTheCORSHeaders() throws {
        let channel = try Self.channel()
        defer { channel.tearDown() }
        try channel.send(
            HTTPRPCHandlerTests.httpRequest(
                "OPTIONS",
                headers: ["Origin: \(Self.origin)", "Access-Control-Request-Method: POST"]
            )
        )
        #expect(
            channel.flushedText()
                == "HTTP/1.1 204 No Content\r\n\(HTTPRPCHandlerTests.alwaysSent)"
                + "access-control-allow-origin: \(Self.origin)\r\nvary: Origin\r\n"
                + "access-control-allow-methods: POST\r\naccess-control-allow-headers: content-type, authorization\r\n"
                + "access-control-max-age: 600\r\n\r\n"
        )
        #expect(channel.isActive)
    }

    @Test func aPostFromTheAllowedOriginNamesItAndOthersAre403Unrun() throws {
        let recorder = CallRecorder()
        let channel = try Self.channel(recorder: recorder)
        defer { channel.tearDown() }
        let call = request("record", #"["x"]"#)
        try channel.send(
            HTTPRPCHandlerTests.httpRequest(
                headers: [HTTPRPCHandlerTests.json, "Origin: https://evil.example"],
                body: call
            )
        )
        #expect(channel.flushedText().hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        #expect(recorder.recorded == [])

        try channel.send(
            HTTPRPCHandlerTests.httpRequest(headers: [HTTPRPCHandlerTests.json, "Origin: \(Self.origin)"], body: call)
        )
        let body = #"{"jsonrpc":"2.0","result":true,"id":1}"#
        #expect(
            channel.flushedText()
                == "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\(HTTPRPCHandlerTests.alwaysSent)"
                + "access-control-allow-origin: \(Self.origin)\r\nvary: Origin\r\ncontent-length: \(body.utf8.count)"
                + "\r\n\r\n\(body)"
        )
        #expect(recorder.recorded == ["x"])

        // The next answer, without Origin, names none.
        try channel.send(HTTPRPCHandlerTests.httpRequest(body: request("ping")))
        #expect(channel.flushedText() == HTTPRPCHandlerTests.pong)
    }
}
