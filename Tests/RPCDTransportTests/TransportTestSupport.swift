import JSONRPC
import Logging
import NIOCore
import NIOEmbedded
import NIOExtras
import NIOHTTP1
import Synchronization
import Testing

@testable import RPCDTransport

/// The message size limit the handler tests use: small, so that "at the limit" fits in a test table.
let testLimit = 64

/// A peer address, so that the handlers see an active, connected channel.
let testPeer = try! SocketAddress(ipAddress: "127.0.0.1", port: 40_000)

/// A logger that discards everything.
let silentLogger = Logger(label: "rpcd.transport.test") { _ in SwiftLogNoOpLogHandler() }

/// Remembers which calls of the recording methods actually ran, so that a test can tell a refused
/// or smuggled request from one that was executed.
final class CallRecorder: Sendable {
    private let calls = Mutex<[String]>([])

    func record(_ call: String) {
        self.calls.withLock { $0.append(call) }
    }

    var recorded: [String] {
        self.calls.withLock { $0 }
    }
}

/// A one-shot event that async tasks can await and any thread can signal.
final class AsyncEvent: Sendable {
    private struct State {
        var signalled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func signal() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.signalled = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let signalled = self.state.withLock { state -> Bool in
                if state.signalled { return true }
                state.waiters.append(continuation)
                return false
            }
            if signalled { continuation.resume() }
        }
    }
}

/// The methods the transport tests call.
///
/// - `ping` → `"pong"`; `echo [x]` → `x`; `record [name]` records `name` and answers `true`;
/// - `later [x]` (async) → `x` after a yield; `gated [name]` (async) records `name` as started,
///   then waits for `gate` before answering `name`.
func transportRegistry(recorder: CallRecorder = CallRecorder(), gate: AsyncEvent = AsyncEvent()) -> MethodRegistry {
    var registry = MethodRegistry()
    registry.register("ping") { _, _ in "pong" }
    registry.register("echo") { params, _ in
        guard case .positional(let values) = params, values.count == 1 else {
            throw JSONRPCError.invalidParams("expected one value")
        }
        return values[0]
    }
    registry.register("record") { params, _ in
        guard case .positional(let values) = params, values.count == 1, case .string(let name) = values[0] else {
            throw JSONRPCError.invalidParams("expected one string")
        }
        recorder.record(name)
        return true
    }
    registry.register(
        "later",
        asyncHandler: { params, _ in
            await Task.yield()
            guard case .positional(let values) = params, values.count == 1 else { return .null }
            return values[0]
        }
    )
    registry.register(
        "gated",
        asyncHandler: { params, _ in
            guard case .positional(let values) = params, values.count == 1, case .string(let name) = values[0] else {
                throw JSONRPCError.invalidParams("expected one string")
            }
            recorder.record(name)
            await gate.wait()
            return .string(name)
        }
    )
    return registry
}

func transportDispatcher(recorder: CallRecorder = CallRecorder(), gate: AsyncEvent = AsyncEvent()) -> Dispatcher {
    Dispatcher(registry: transportRegistry(recorder: recorder, gate: gate), limits: DispatchLimits(requestTimeout: nil))
}

/// A JSON-RPC request as one line of text.
func request(_ method: String, _ params: String? = nil, id: String? = "1") -> String {
    var text = #"{"jsonrpc":"2.0","method":""# + method + #"""#
    if let params { text += #","params":"# + params }
    if let id { text += #","id":"# + id }
    return text + "}"
}

/// `text` padded with trailing spaces (still one valid JSON text) to exactly `size` bytes.
func padded(_ text: String, to size: Int) -> String {
    precondition(text.utf8.count <= size)
    return text + String(repeating: " ", count: size - text.utf8.count)
}

let pongResponse = #"{"jsonrpc":"2.0","result":"pong","id":1}"#
let tooLargeResponse = #"{"jsonrpc":"2.0","error":{"code":-32005,"message":"Request too large"},"id":null}"#

func isParseError(_ response: String) -> Bool {
    response.hasPrefix(#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error""#)
        && response.hasSuffix(#","id":null}"#)
}

extension ByteBuffer {
    /// A big-endian length prefix followed by `text`.
    static func lengthPrefixed(_ text: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(text.utf8.count), endianness: .big)
        buffer.writeString(text)
        return buffer
    }
}

/// Counts the `read()` calls that reach the front of the pipeline (i.e. that a handler let through).
final class ReadCounter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = Never

    private let count = Mutex(0)

    var reads: Int { self.count.withLock { $0 } }

    func read(context: ChannelHandlerContext) {
        self.count.withLock { $0 += 1 }
        context.read()
    }
}

// MARK: Pipelines as `RPCServer.makeBootstrap` builds them

enum StreamKind: Sendable, CustomTestStringConvertible {
    case ndjson
    case length

    var testDescription: String { self == .ndjson ? "ndjson" : "length" }
}

/// Adds the framing decoder and `StreamRPCHandler` exactly as the server does.
func addStreamHandlers(
    to pipeline: ChannelPipeline.SynchronousOperations,
    kind: StreamKind,
    dispatcher: Dispatcher,
    limits: TransportLimits,
    calls: PendingCallRunner
) throws {
    try ConnectionPipeline.addProtocolHandlers(
        to: pipeline,
        framing: kind == .ndjson ? .ndjson : .length,
        dispatcher: dispatcher,
        limits: limits,
        registry: ConnectionRegistry(maxConnections: 1024),
        calls: calls,
        logger: silentLogger
    )
}

/// Adds NIO's request decoder and `HTTPRPCHandler` exactly as the server does.
func addHTTPHandlers(
    to pipeline: ChannelPipeline.SynchronousOperations,
    dispatcher: Dispatcher,
    limits: TransportLimits,
    registry: ConnectionRegistry,
    calls: PendingCallRunner
) throws {
    try ConnectionPipeline.addProtocolHandlers(
        to: pipeline,
        framing: .http,
        dispatcher: dispatcher,
        limits: limits,
        registry: registry,
        calls: calls,
        logger: silentLogger
    )
}

/// An active `EmbeddedChannel` serving a stream listener's protocol.
func makeStreamChannel(
    _ kind: StreamKind,
    dispatcher: Dispatcher = transportDispatcher(),
    limit: Int = testLimit
) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try addStreamHandlers(
        to: channel.pipeline.syncOperations,
        kind: kind,
        dispatcher: dispatcher,
        limits: TransportLimits(maxRequestBytes: limit),
        calls: PendingCallRunner()
    )
    try channel.connect(to: testPeer).wait()
    return channel
}

/// An active `EmbeddedChannel` serving HTTP.
func makeHTTPChannel(
    dispatcher: Dispatcher = transportDispatcher(),
    registry: ConnectionRegistry = ConnectionRegistry(maxConnections: 100),
    limit: Int = testLimit
) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try addHTTPHandlers(
        to: channel.pipeline.syncOperations,
        dispatcher: dispatcher,
        limits: TransportLimits(maxRequestBytes: limit),
        registry: registry,
        calls: PendingCallRunner()
    )
    try channel.connect(to: testPeer).wait()
    return channel
}

extension EmbeddedChannel {
    /// Sends `text` as one read.
    func send(_ text: String) throws {
        try self.writeInbound(ByteBuffer(string: text))
    }

    /// Every flushed outbound byte so far (`readOutbound` only sees flushed writes).
    ///
    /// Failures are recorded as issues rather than thrown, so that `#expect` can show the values.
    func flushedBytes(sourceLocation: SourceLocation = #_sourceLocation) -> ByteBuffer {
        var bytes = ByteBuffer()
        do {
            while var buffer = try self.readOutbound(as: ByteBuffer.self) {
                bytes.writeBuffer(&buffer)
            }
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
        return bytes
    }

    /// Every flushed outbound byte so far, as text.
    func flushedText(sourceLocation: SourceLocation = #_sourceLocation) -> String {
        String(buffer: self.flushedBytes(sourceLocation: sourceLocation))
    }

    /// The flushed NDJSON lines so far (without their newlines).
    func flushedLines(sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        var text = self.flushedText(sourceLocation: sourceLocation)
        guard !text.isEmpty else { return [] }
        if text.hasSuffix("\n") {
            text.removeLast()
        } else {
            Issue.record("output does not end with a newline: \(text)", sourceLocation: sourceLocation)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The flushed length-prefixed messages so far.
    func flushedFrames(sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        var bytes = self.flushedBytes(sourceLocation: sourceLocation)
        var frames: [String] = []
        while let length = bytes.readInteger(endianness: .big, as: UInt32.self) {
            guard let frame = bytes.readString(length: Int(length)) else {
                Issue.record("truncated frame", sourceLocation: sourceLocation)
                return frames
            }
            frames.append(frame)
        }
        if bytes.readableBytes > 0 {
            Issue.record("truncated length prefix", sourceLocation: sourceLocation)
        }
        return frames
    }

    /// Closes the channel if the test left it open, and drops what is left over.
    func tearDown(sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try self.finish(acceptAlreadyClosed: true)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }
}
