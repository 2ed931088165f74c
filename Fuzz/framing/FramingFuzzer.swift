import JSONRPC
import Logging
import NIOCore
import NIOEmbedded
import RPCDConfiguration

@testable import RPCDTransport

/// libFuzzer harness over the transport's framing: the NDJSON and length-prefix decoders and the
/// HTTP request path, each in the pipeline the server builds, on an `EmbeddedChannel`.
///
/// Input: byte 0 picks the framing, byte 1 the size limit (16 + its value), bytes 2–3 seed the
/// chunking; the rest is what the peer sends. It is delivered once whole and once in random
/// chunks: both deliveries must produce the same bytes. For the stream framings, the output after
/// every chunk must be exactly what `StreamModel` expects (every complete frame dispatched once,
/// in order; an oversized frame refused as soon as its size is known, then the connection closed),
/// and both dispatchers must have counted the same calls. HTTP answers must be well-formed
/// HTTP/1.1 responses whose JSON bodies the project's parser reads.
enum FramingFuzzer {
    static func registry() -> MethodRegistry {
        var registry = MethodRegistry()
        registry.register("ping") { _, _ in "pong" }
        registry.register("echo") { params, _ in params.jsonValue ?? .null }
        return registry
    }

    static let peer = try! SocketAddress(ipAddress: "127.0.0.1", port: 40_000)

    static func makeChannel(_ framing: ListenEndpoint.Framing, limit: Int, dispatcher: Dispatcher) -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        do {
            try ConnectionPipeline.addProtocolHandlers(
                to: channel.pipeline.syncOperations,
                framing: framing,
                dispatcher: dispatcher,
                limits: TransportLimits(maxRequestBytes: limit),
                registry: ConnectionRegistry(maxConnections: 16),
                calls: PendingCallRunner(),
                logger: .init(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
            )
            try channel.connect(to: peer).wait()
        } catch {
            FuzzCheck.fail("cannot set up the pipeline: \(error)")
        }
        return channel
    }

    /// Sends `chunks` one read each; returns everything flushed and whether the channel is open.
    static func deliver(
        _ chunks: [ArraySlice<UInt8>],
        framing: ListenEndpoint.Framing,
        limit: Int,
        dispatcher: Dispatcher,
        afterEach: (_ sent: Int, _ output: [UInt8], _ isActive: Bool) -> Void = { _, _, _ in }
    ) -> (output: [UInt8], isActive: Bool) {
        let channel = makeChannel(framing, limit: limit, dispatcher: dispatcher)
        var output: [UInt8] = []
        var sent = 0
        for chunk in chunks {
            guard channel.isActive else { break }
            // Errors the handlers do not consume surface here; the handlers consume all of them.
            do {
                try channel.writeInbound(ByteBuffer(bytes: chunk))
            } catch {
                FuzzCheck.fail("an error reached the end of the pipeline: \(error)")
            }
            sent += chunk.count
            output += flushed(channel)
            afterEach(sent, output, channel.isActive)
        }
        let isActive = channel.isActive
        // A channel the server closed must still be finished, or EmbeddedChannel leaks a cycle.
        _ = try? channel.finish(acceptAlreadyClosed: true)
        return (output, isActive)
    }

    static func flushed(_ channel: EmbeddedChannel) -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try? channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// Chunk sizes from a small generator seeded by the input, so that a crash replays exactly.
    static func chunks(of payload: ArraySlice<UInt8>, seed: UInt16) -> [ArraySlice<UInt8>] {
        var state = UInt32(seed) | 1
        var result: [ArraySlice<UInt8>] = []
        var start = payload.startIndex
        while start < payload.endIndex {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            // Mostly small pieces, sometimes a large one.
            let size = state % 4 == 0 ? Int((state >> 8) % 512) + 1 : Int((state >> 8) % 8) + 1
            let end = min(start + size, payload.endIndex)
            result.append(payload[start..<end])
            start = end
        }
        return result
    }

    static func check(_ input: [UInt8]) {
        guard input.count >= 4 else { return }
        let framing: ListenEndpoint.Framing = [.ndjson, .length, .http][Int(input[0]) % 3]
        let limit = 16 + Int(input[1])
        let seed = UInt16(input[2]) << 8 | UInt16(input[3])
        let payload = input[4...]
        let registry = registry()
        let whole = deliver([payload], framing: framing, limit: limit, dispatcher: Dispatcher(registry: registry))

        let dispatcher = Dispatcher(registry: registry)
        var model: StreamModel?
        switch framing {
        case .ndjson: model = StreamModel(framing: .ndjson, limit: limit, dispatcher: Dispatcher(registry: registry))
        case .length: model = StreamModel(framing: .length, limit: limit, dispatcher: Dispatcher(registry: registry))
        case .http: model = nil
        }
        let pieces = chunks(of: payload, seed: seed)
        let chunked = deliver(pieces, framing: framing, limit: limit, dispatcher: dispatcher) {
            sent,
            output,
            isActive in
            guard model != nil else { return }
            model!.receive(payload[payload.startIndex..<(payload.startIndex + sent)].dropFirst(model!.consumed))
            model!.consumed = sent
            FuzzCheck.require(
                output == model!.expected,
                "after \(sent) bytes sent:\n  got      \(FuzzCheck.show(output))\n  expected \(FuzzCheck.show(model!.expected))"
            )
            FuzzCheck.require(
                isActive == !model!.closed,
                "after \(sent) bytes: open \(isActive), expected \(!model!.closed)"
            )
        }
        FuzzCheck.require(
            whole.output == chunked.output,
            "\(framing): whole \(FuzzCheck.show(whole.output))\n  chunked \(FuzzCheck.show(chunked.output))"
        )
        FuzzCheck.require(whole.isActive == chunked.isActive, "\(framing): closing depends on the chunking")
        if let model {
            FuzzCheck.require(
                dispatcher.counters.calls == model.dispatcher.counters.calls
                    && dispatcher.counters.errors == model.dispatcher.counters.errors,
                "dispatched \(dispatcher.counters.calls) calls, the model \(model.dispatcher.counters.calls)"
            )
        } else {
            HTTPResponseCheck.check(chunked.output)
        }
    }
}
