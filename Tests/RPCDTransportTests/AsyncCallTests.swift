import JSONRPC
import NIOCore
import NIOEmbedded
import Testing

@testable import RPCDTransport

/// Async handlers through the transports: their work runs on a live `PendingCallRunner` and the
/// answer comes back to the channel's event loop, so these use `NIOAsyncTestingChannel`, whose loop
/// accepts work from other threads.
@Suite("Async calls over the transports", .timeLimit(.minutes(1)))
struct AsyncCallTests {
    // MARK: Helpers

    /// Runs `body` while a `PendingCallRunner` runs; the runner is finished (and awaited) afterwards.
    private static func withRunner(_ body: (PendingCallRunner) async throws -> Void) async throws {
        let runner = PendingCallRunner()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await runner.run() }
            defer { runner.finish() }
            try await body(runner)
        }
    }

    private static func streamChannel(
        _ kind: StreamKind,
        dispatcher: Dispatcher,
        calls: PendingCallRunner,
        limits: TransportLimits = TransportLimits(maxRequestBytes: 1024),
        readCounter: ReadCounter = ReadCounter()
    ) async throws -> NIOAsyncTestingChannel {
        let channel = try await NIOAsyncTestingChannel { channel in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(readCounter)
            try addStreamHandlers(to: pipeline, kind: kind, dispatcher: dispatcher, limits: limits, calls: calls)
        }
        try await channel.connect(to: testPeer).get()
        return channel
    }

    private static func httpChannel(
        dispatcher: Dispatcher,
        calls: PendingCallRunner,
        readCounter: ReadCounter = ReadCounter()
    ) async throws -> NIOAsyncTestingChannel {
        let registry = ConnectionRegistry(maxConnections: 10)
        let channel = try await NIOAsyncTestingChannel { channel in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(readCounter)
            try addHTTPHandlers(
                to: pipeline,
                dispatcher: dispatcher,
                limits: TransportLimits(maxRequestBytes: 1024),
                registry: registry,
                calls: calls
            )
        }
        try await channel.connect(to: testPeer).get()
        return channel
    }

    private static func frame(_ message: String, _ kind: StreamKind) -> ByteBuffer {
        switch kind {
        case .ndjson: ByteBuffer(string: message + "\n")
        case .length: .lengthPrefixed(message)
        }
    }

    /// The next response written, without its framing.
    private static func nextResponse(_ channel: NIOAsyncTestingChannel, _ kind: StreamKind) async throws -> String {
        var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        switch kind {
        case .ndjson:
            let text = String(buffer: buffer)
            #expect(text.hasSuffix("\n"))
            return String(text.dropLast())
        case .length:
            let length = buffer.readInteger(endianness: .big, as: UInt32.self)
            #expect(length.map(Int.init) == buffer.readableBytes)
            return String(buffer: buffer)
        }
    }

    private static func nextText(_ channel: NIOAsyncTestingChannel) async throws -> String {
        String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
    }

    /// Waits until everything queued on the channel's loop so far has run.
    private static func settle(_ channel: NIOAsyncTestingChannel) async throws {
        try await channel.testingEventLoop.executeInContext {}
    }

    private static func isActive(_ channel: NIOAsyncTestingChannel) async throws -> Bool {
        try await channel.testingEventLoop.executeInContext { channel.isActive }
    }

    private static func httpPost(_ body: String) -> String {
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    private static func httpOK(_ body: String, close: Bool = false) -> String {
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\n"
            + "cache-control: no-store\r\ncontent-length: \(body.utf8.count)\r\n"
            + (close ? "connection: close\r\n" : "") + "\r\n" + body
    }

    // MARK: Stream

    @Test(arguments: [StreamKind.ndjson, .length])
    func asyncCallIsAnswered(kind: StreamKind) async throws {
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(kind, dispatcher: transportDispatcher(), calls: calls)
            try await channel.writeInbound(Self.frame(request("later", "[7]"), kind))
            #expect(try await Self.nextResponse(channel, kind) == #"{"jsonrpc":"2.0","result":7,"id":1}"#)
            #expect(try await Self.isActive(channel))
            _ = try await channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func responsesComeBackInCompletionOrder(kind: StreamKind) async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(kind, dispatcher: transportDispatcher(gate: gate), calls: calls)
            var buffer = Self.frame(request("gated", #"["slow"]"#, id: "1"), kind)
            var ping = Self.frame(request("ping", id: "2"), kind)
            buffer.writeBuffer(&ping)
            try await channel.writeInbound(buffer)
            #expect(try await Self.nextResponse(channel, kind) == #"{"jsonrpc":"2.0","result":"pong","id":2}"#)
            gate.signal()
            #expect(try await Self.nextResponse(channel, kind) == #"{"jsonrpc":"2.0","result":"slow","id":1}"#)
            _ = try await channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func quiesceWaitsForTheCallInFlightThenCloses(kind: StreamKind) async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(kind, dispatcher: transportDispatcher(gate: gate), calls: calls)
            try await channel.writeInbound(Self.frame(request("gated", #"["slow"]"#), kind))
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(try await Self.isActive(channel))
            gate.signal()
            #expect(try await Self.nextResponse(channel, kind) == #"{"jsonrpc":"2.0","result":"slow","id":1}"#)
            try await channel.closeFuture.get()
        }
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func inputClosedWaitsForTheCallInFlightThenCloses(kind: StreamKind) async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(kind, dispatcher: transportDispatcher(gate: gate), calls: calls)
            try await channel.writeInbound(Self.frame(request("gated", #"["slow"]"#), kind))
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(try await Self.isActive(channel))
            gate.signal()
            #expect(try await Self.nextResponse(channel, kind) == #"{"jsonrpc":"2.0","result":"slow","id":1}"#)
            try await channel.closeFuture.get()
        }
    }

    /// An unterminated last line at end of input cannot be answered, but it must not cost the
    /// answers to the complete lines before it.
    @Test func inputClosedAfterAPartialLineStillAnswersTheCallInFlight() async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(
                .ndjson,
                dispatcher: transportDispatcher(gate: gate),
                calls: calls
            )
            try await channel.writeInbound(ByteBuffer(string: request("gated", #"["slow"]"#) + "\n{\"jsonrpc\""))
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            let stillOpen = try await Self.isActive(channel)
            #expect(stillOpen)
            gate.signal()
            try await channel.closeFuture.get()
            let response = try await channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
            #expect(response == #"{"jsonrpc":"2.0","result":"slow","id":1}"# + "\n")
        }
    }

    /// A malformed request pipelined behind an async call: the call was read, so it is answered
    /// (first), then the 400 closes the connection.
    @Test func httpMalformedRequestBehindAnAsyncCallAnswersTheCallFirst() async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.httpChannel(dispatcher: transportDispatcher(gate: gate), calls: calls)
            let first = Self.httpPost(request("gated", #"["slow"]"#))
            try await channel.writeInbound(ByteBuffer(string: first + "BOGUS\r\n\r\n"))
            try await Self.settle(channel)
            gate.signal()
            try await channel.closeFuture.get()
            var written: [String] = []
            while let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
                written.append(String(buffer: buffer))
            }
            #expect(written.first == Self.httpOK(#"{"jsonrpc":"2.0","result":"slow","id":1}"#))
            #expect(written.last?.hasPrefix("HTTP/1.1 400 Bad Request\r\n") == true)
        }
    }

    @Test func asyncNotificationRunsWithoutReplyAndHoldsTheDrain() async throws {
        let gate = AsyncEvent()
        let recorder = CallRecorder()
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(
                .ndjson,
                dispatcher: transportDispatcher(recorder: recorder, gate: gate),
                calls: calls
            )
            try await channel.writeInbound(Self.frame(request("gated", #"["note"]"#, id: nil), .ndjson))
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(try await Self.isActive(channel))
            gate.signal()
            try await channel.closeFuture.get()
            #expect(recorder.recorded == ["note"])
            #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)
        }
    }

    @Test func readingPausesAtTheInFlightLimitAndResumesBelowIt() async throws {
        let gate = AsyncEvent()
        let reads = ReadCounter()
        try await Self.withRunner { calls in
            let channel = try await Self.streamChannel(
                .ndjson,
                dispatcher: transportDispatcher(gate: gate),
                calls: calls,
                limits: TransportLimits(maxRequestBytes: 1024, maxInFlightPerConnection: 1),
                readCounter: reads
            )
            try await Self.settle(channel)
            let baseline = reads.reads
            // Below the limit, reads pass.
            channel.read()
            try await Self.settle(channel)
            #expect(reads.reads == baseline + 1)

            try await channel.writeInbound(Self.frame(request("gated", #"["slow"]"#), .ndjson))
            channel.read()
            try await Self.settle(channel)
            #expect(reads.reads == baseline + 1)  // held: one call in flight

            gate.signal()
            #expect(try await Self.nextResponse(channel, .ndjson) == #"{"jsonrpc":"2.0","result":"slow","id":1}"#)
            try await Self.settle(channel)
            #expect(reads.reads == baseline + 2)  // the held read, released
            _ = try await channel.finish(acceptAlreadyClosed: true)
        }
    }

    // MARK: HTTP

    @Test func httpAsyncCallIsAnswered() async throws {
        try await Self.withRunner { calls in
            let channel = try await Self.httpChannel(dispatcher: transportDispatcher(), calls: calls)
            try await channel.writeInbound(ByteBuffer(string: Self.httpPost(request("later", "[7]"))))
            #expect(try await Self.nextText(channel) == Self.httpOK(#"{"jsonrpc":"2.0","result":7,"id":1}"#))
            #expect(try await Self.isActive(channel))
            _ = try await channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func httpAsyncNotificationIs204() async throws {
        try await Self.withRunner { calls in
            let channel = try await Self.httpChannel(dispatcher: transportDispatcher(), calls: calls)
            try await channel.writeInbound(ByteBuffer(string: Self.httpPost(request("later", "[7]", id: nil))))
            #expect(
                try await Self.nextText(channel)
                    == "HTTP/1.1 204 No Content\r\nx-content-type-options: nosniff\r\ncache-control: no-store\r\n\r\n"
            )
            _ = try await channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func httpPipelinedRequestsWaitBehindAnAsyncCall() async throws {
        let gate = AsyncEvent()
        let reads = ReadCounter()
        try await Self.withRunner { calls in
            let channel = try await Self.httpChannel(
                dispatcher: transportDispatcher(gate: gate),
                calls: calls,
                readCounter: reads
            )
            let first = Self.httpPost(request("gated", #"["slow"]"#, id: "1"))
            let second = Self.httpPost(request("ping", id: "2"))
            try await channel.writeInbound(ByteBuffer(string: first + second))
            try await Self.settle(channel)
            let baseline = reads.reads
            channel.read()
            try await Self.settle(channel)
            // Nothing answered out of order, and reading waits for the call.
            #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)
            #expect(reads.reads == baseline)

            gate.signal()
            #expect(try await Self.nextText(channel) == Self.httpOK(#"{"jsonrpc":"2.0","result":"slow","id":1}"#))
            #expect(try await Self.nextText(channel) == Self.httpOK(#"{"jsonrpc":"2.0","result":"pong","id":2}"#))
            try await Self.settle(channel)
            #expect(reads.reads == baseline + 1)
            #expect(try await Self.isActive(channel))
            _ = try await channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func httpQuiesceDuringAnAsyncCallAnswersWithConnectionCloseThenCloses() async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.httpChannel(dispatcher: transportDispatcher(gate: gate), calls: calls)
            try await channel.writeInbound(ByteBuffer(string: Self.httpPost(request("gated", #"["slow"]"#))))
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(try await Self.isActive(channel))
            gate.signal()
            let expected = Self.httpOK(#"{"jsonrpc":"2.0","result":"slow","id":1}"#, close: true)
            #expect(try await Self.nextText(channel) == expected)
            try await channel.closeFuture.get()
        }
    }

    @Test func httpInputClosedDuringAnAsyncCallAnswersThenCloses() async throws {
        let gate = AsyncEvent()
        try await Self.withRunner { calls in
            let channel = try await Self.httpChannel(dispatcher: transportDispatcher(gate: gate), calls: calls)
            try await channel.writeInbound(ByteBuffer(string: Self.httpPost(request("gated", #"["slow"]"#))))
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(try await Self.isActive(channel))
            gate.signal()
            let expected = Self.httpOK(#"{"jsonrpc":"2.0","result":"slow","id":1}"#, close: true)
            #expect(try await Self.nextText(channel) == expected)
            try await channel.closeFuture.get()
        }
    }
}
