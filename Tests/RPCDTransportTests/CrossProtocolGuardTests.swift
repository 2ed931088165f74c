import NIOCore
import NIOEmbedded
import Testing

@testable import RPCDTransport

@Suite("CrossProtocolGuard")
struct CrossProtocolGuardTests {
    @Test(arguments: [
        ("POST / HTTP/1.1", HTTPRequestPrefix.Verdict.http), ("GET /", .http), ("OPTIONS * HTTP/1.1", .http),
        ("CONNECT x:1 HTTP/1.1", .http), ("PATCH /", .http), ("DELETE /", .http), ("HEAD /", .http),
        ("PUT /", .http), ("PO", .undecided), ("OPTION", .undecided), ("", .undecided), ("{\"jsonrpc\"", .notHTTP),
        ("POSTX", .notHTTP), ("get /", .notHTTP), ("\u{0}\u{0}\u{0}\u{5}", .notHTTP), ("GETS", .notHTTP),
    ])
    func verdicts(bytes: String, verdict: HTTPRequestPrefix.Verdict) {
        #expect(HTTPRequestPrefix.verdict(Array(bytes.utf8)) == verdict)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func anHTTPRequestIsClosedUnrun(kind: StreamKind) throws {
        let recorder = CallRecorder()
        let channel = try makeStreamChannel(kind, dispatcher: transportDispatcher(recorder: recorder))
        defer { channel.tearDown() }
        try channel.send("POS")
        #expect(channel.isActive, "three bytes could start anything")
        try channel.send("T / HTTP/1.1\r\nHost: x\r\n\r\n\(request("record", #"["x"]"#))\n")
        #expect(!channel.isActive)
        #expect(recorder.recorded == [])
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func otherBytesAreServedAndTheGuardLeaves(kind: StreamKind) throws {
        let recorder = CallRecorder()
        let channel = try makeStreamChannel(kind, dispatcher: transportDispatcher(recorder: recorder))
        defer { channel.tearDown() }
        let call = request("record", #"["x"]"#)
        try channel.writeInbound(kind == .ndjson ? ByteBuffer(string: call + "\n") : ByteBuffer.lengthPrefixed(call))
        #expect(recorder.recorded == ["x"])
        #expect(channel.isActive)
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: CrossProtocolGuard.self) }
    }

    @Test func eachPeerIsLoggedOncePerInterval() {
        var throttle = PeerLogThrottle(interval: .seconds(60), capacity: 2)
        let start = ContinuousClock.now
        let events: [(String, Duration, Bool)] = [
            ("10.0.0.1", .zero, true), ("10.0.0.1", .seconds(59), false), ("10.0.0.2", .seconds(1), true),
            // Full: a third peer is not logged (nor remembered) until an entry expires.
            ("10.0.0.3", .seconds(2), false), ("10.0.0.1", .seconds(60), true),
            // 10.0.0.2's entry has expired by now.
            ("10.0.0.3", .seconds(61), true),
        ]
        for (peer, offset, expected) in events {
            let logged = throttle.shouldLog(peer, now: start + offset)
            #expect(logged == expected, "\(peer) at +\(offset)")
            #expect(throttle.count <= 2)
        }
    }
}
