import JSONRPC
import NIOCore
import NIOEmbedded
import Testing

@testable import RPCDTransport

@Suite("StreamRPCHandler")
struct StreamRPCHandlerTests {
    // MARK: Helpers

    private static func frame(_ message: String, _ kind: StreamKind) -> ByteBuffer {
        switch kind {
        case .ndjson: ByteBuffer(string: message + "\n")
        case .length: .lengthPrefixed(message)
        }
    }

    private static func responses(
        _ channel: EmbeddedChannel,
        _ kind: StreamKind,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [String] {
        switch kind {
        case .ndjson: channel.flushedLines(sourceLocation: sourceLocation)
        case .length: channel.flushedFrames(sourceLocation: sourceLocation)
        }
    }

    // MARK: Both framings

    @Test(arguments: [StreamKind.ndjson, .length])
    func oneMessageGetsOneResponse(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(request("ping"), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
        #expect(channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func severalMessagesInOneReadAreAnsweredInOrderAndFlushed(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        var buffer = ByteBuffer()
        for index in 1...3 {
            var frame = Self.frame(request("echo", "[\(index)]", id: "\(index)"), kind)
            buffer.writeBuffer(&frame)
        }
        try channel.writeInbound(buffer)
        // `readOutbound` only sees flushed writes: all three were flushed by the end of the read.
        #expect(
            Self.responses(channel, kind) == [
                #"{"jsonrpc":"2.0","result":1,"id":1}"#,
                #"{"jsonrpc":"2.0","result":2,"id":2}"#,
                #"{"jsonrpc":"2.0","result":3,"id":3}"#,
            ]
        )
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func parseErrorAnswersMinus32700AndKeepsTheConnection(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(#"{"jsonrpc":"2.0","method":"#, kind))
        let first = Self.responses(channel, kind)
        #expect(first.count == 1)
        #expect(first.allSatisfy(isParseError))
        #expect(channel.isActive)
        try channel.writeInbound(Self.frame(request("ping"), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func messageExactlyAtTheLimitIsServed(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(padded(request("ping"), to: testLimit), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
        #expect(channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func messageOverTheLimitIsRefusedAndTheConnectionClosed(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(padded(request("ping"), to: testLimit + 1), kind))
        #expect(Self.responses(channel, kind) == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    /// After an oversized message the stream can no longer be trusted to split into messages:
    /// whatever followed it in the same read must not run.
    @Test(arguments: [StreamKind.ndjson, .length])
    func nothingAfterAnOversizedMessageRuns(kind: StreamKind) throws {
        let recorder = CallRecorder()
        let channel = try makeStreamChannel(kind, dispatcher: transportDispatcher(recorder: recorder))
        defer { channel.tearDown() }
        var buffer = Self.frame(padded(request("record", #"["before"]"#), to: testLimit + 1), kind)
        var after = Self.frame(request("record", #"["after"]"#), kind)
        buffer.writeBuffer(&after)
        // NDJSON decodes the line after the oversized one in the same read; it must be dropped.
        try channel.writeInbound(buffer)
        #expect(recorder.recorded == [])
        #expect(Self.responses(channel, kind) == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func quiesceWhenIdleCloses(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(request("ping"), kind))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(Self.responses(channel, kind) == [pongResponse])
        #expect(!channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func inputClosedAnswersWhatWasReadThenCloses(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        var buffer = Self.frame(request("echo", "[1]", id: "1"), kind)
        var second = Self.frame(request("echo", "[2]", id: "2"), kind)
        buffer.writeBuffer(&second)
        // No read-complete between the data and the end of input: closing must flush the answers.
        channel.pipeline.fireChannelRead(buffer)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(
            Self.responses(channel, kind) == [
                #"{"jsonrpc":"2.0","result":1,"id":1}"#,
                #"{"jsonrpc":"2.0","result":2,"id":2}"#,
            ]
        )
        #expect(!channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func idleTimeoutClosesAnIdleConnection(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
        #expect(!channel.isActive)
    }

    @Test(arguments: [StreamKind.ndjson, .length])
    func notificationsGetNoResponse(kind: StreamKind) throws {
        let channel = try makeStreamChannel(kind)
        defer { channel.tearDown() }
        try channel.writeInbound(Self.frame(request("ping", id: nil), kind))
        try channel.writeInbound(Self.frame(request("ping"), kind))
        #expect(Self.responses(channel, kind) == [pongResponse])
    }

    // MARK: NDJSON

    struct LineCase: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var expected: [String]
        var testDescription: String { self.name }
    }

    static let lineCases: [LineCase] = [
        LineCase(name: "LF", input: request("ping") + "\n", expected: [pongResponse]),
        LineCase(name: "CRLF", input: request("ping") + "\r\n", expected: [pongResponse]),
        LineCase(name: "blank lines ignored", input: "\n\n" + request("ping") + "\n\n", expected: [pongResponse]),
        LineCase(
            name: "whitespace-only lines ignored",
            input: " \n\t\n \t \r\n\r\n" + request("ping") + "\n",
            expected: [pongResponse]
        ),
        LineCase(name: "only blank lines", input: "\n \n\r\n", expected: []),
        LineCase(name: "no newline yet", input: request("ping"), expected: []),
        LineCase(
            name: "mixed endings",
            input: request("echo", "[1]", id: "1") + "\r\n" + request("echo", "[2]", id: "2") + "\n",
            expected: [#"{"jsonrpc":"2.0","result":1,"id":1}"#, #"{"jsonrpc":"2.0","result":2,"id":2}"#]
        ),
        LineCase(
            name: "batch on one line",
            input: "[" + request("echo", "[1]", id: "1") + "," + request("echo", "[2]", id: "2") + "]\n",
            expected: [#"[{"jsonrpc":"2.0","result":1,"id":1},{"jsonrpc":"2.0","result":2,"id":2}]"#]
        ),
    ]

    @Test(arguments: lineCases)
    func ndjsonLines(_ testCase: LineCase) throws {
        let channel = try makeStreamChannel(.ndjson, limit: 1024)
        defer { channel.tearDown() }
        try channel.send(testCase.input)
        #expect(channel.flushedLines() == testCase.expected)
        #expect(channel.isActive)
    }

    @Test(arguments: ["\n", "\r\n"])
    func ndjsonLineAtTheLimitIsServedWhateverTheLineEnding(ending: String) throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        try channel.send(padded(request("ping"), to: testLimit) + ending)
        #expect(channel.flushedLines() == [pongResponse])
        #expect(channel.isActive)
    }

    @Test(arguments: ["\n", "\r\n"])
    func ndjsonLineOneOverTheLimitIsRefusedWhateverTheLineEnding(ending: String) throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        try channel.send(padded(request("ping"), to: testLimit + 1) + ending)
        #expect(channel.flushedLines() == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    /// The limit is buffered; bytes beyond it, still without a newline, are refused at once
    /// rather than buffered until the line ends.
    @Test func ndjsonOverLimitLineWithoutNewlineIsRefusedBeforeItEnds() throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        try channel.send(String(repeating: "x", count: testLimit))
        #expect(channel.flushedLines() == [])
        #expect(channel.isActive)
        try channel.send(String(repeating: "x", count: 3))
        #expect(channel.flushedLines() == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    /// DESIGN §9: "A line is refused as soon as it passes the limit". A trailing `\r` may be the
    /// first half of `\r\n`, but `limit + 1` bytes before it cannot be a line at the limit.
    @Test func ndjsonPartialLineTwoOverTheLimitIsRefused() throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        try channel.send(String(repeating: "x", count: testLimit + 1) + "\r")
        let lines = channel.flushedLines()
        #expect(lines == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    struct PartialLineCase: Sendable, CustomTestStringConvertible {
        var name: String
        /// Each string is one read.
        var reads: [String]
        var refused: Bool
        var testDescription: String { self.name }
    }

    /// DESIGN §9: an unterminated line is refused as soon as it is one byte over the limit; a line
    /// at the limit is served, even when its line ending arrives in pieces.
    static let partialLineCases: [PartialLineCase] = [
        PartialLineCase(name: "limit, no newline", reads: [String(repeating: "x", count: testLimit)], refused: false),
        PartialLineCase(
            name: "limit + 1, no newline",
            reads: [String(repeating: "x", count: testLimit + 1)],
            refused: true
        ),
        PartialLineCase(
            name: "limit, then one more byte",
            reads: [String(repeating: "x", count: testLimit), "x"],
            refused: true
        ),
        PartialLineCase(
            name: "limit + \\r, waiting for its \\n",
            reads: [String(repeating: "x", count: testLimit) + "\r"],
            refused: false
        ),
        PartialLineCase(
            name: "limit + \\r + one more byte",
            reads: [String(repeating: "x", count: testLimit) + "\r", "x"],
            refused: true
        ),
        PartialLineCase(
            name: "one byte at a time up to limit + 1",
            reads: Array(repeating: "x", count: testLimit + 1),
            refused: true
        ),
    ]

    @Test(arguments: partialLineCases)
    func ndjsonPartialLineBoundary(_ testCase: PartialLineCase) throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        for read in testCase.reads {
            try channel.send(read)
        }
        #expect(channel.flushedLines() == (testCase.refused ? [tooLargeResponse] : []))
        #expect(channel.isActive == !testCase.refused)
    }

    @Test(arguments: [["\r", "\n"], ["", "\r\n"], ["", "\n"]])
    func ndjsonLineAtTheLimitIsServedWhenItsEndingArrivesLater(endings: [String]) throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        try channel.send(padded(request("ping"), to: testLimit) + endings[0])
        #expect(channel.flushedLines() == [])
        #expect(channel.isActive)
        try channel.send(endings[1])
        #expect(channel.flushedLines() == [pongResponse])
        #expect(channel.isActive)
    }

    @Test func ndjsonOversizedLineAcrossReadsIsRefused() throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        try channel.send(request("ping") + "\n" + String(repeating: " ", count: testLimit / 2))
        #expect(channel.flushedLines() == [pongResponse])
        try channel.send(String(repeating: " ", count: testLimit / 2 + 1) + "\n")
        #expect(channel.flushedLines() == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    @Test func ndjsonLinesSplitAcrossReadsAreReassembled() throws {
        let channel = try makeStreamChannel(.ndjson)
        defer { channel.tearDown() }
        let text = request("echo", "[1]", id: "1") + "\r\n" + request("echo", "[2]", id: "2") + "\n"
        for byte in text.utf8 {
            try channel.send(String(decoding: [byte], as: UTF8.self))
        }
        #expect(
            channel.flushedLines() == [
                #"{"jsonrpc":"2.0","result":1,"id":1}"#, #"{"jsonrpc":"2.0","result":2,"id":2}"#,
            ]
        )
    }

    // MARK: Length framing

    @Test func lengthFramedResponseCarriesItsPrefix() throws {
        let channel = try makeStreamChannel(.length)
        defer { channel.tearDown() }
        try channel.writeInbound(ByteBuffer.lengthPrefixed(request("ping")))
        var expected = ByteBuffer()
        expected.writeInteger(UInt32(pongResponse.utf8.count), endianness: .big)
        expected.writeString(pongResponse)
        #expect(channel.flushedBytes() == expected)
    }

    @Test func zeroLengthFrameIsAParseErrorAndKeepsTheConnection() throws {
        let channel = try makeStreamChannel(.length)
        defer { channel.tearDown() }
        var buffer = ByteBuffer.lengthPrefixed("")
        var next = ByteBuffer.lengthPrefixed(request("ping"))
        buffer.writeBuffer(&next)
        try channel.writeInbound(buffer)
        let frames = channel.flushedFrames()
        #expect(frames.count == 2)
        #expect(frames.first.map(isParseError) == true)
        #expect(frames.last == pongResponse)
        #expect(channel.isActive)
    }

    @Test func lengthPrefixOverTheLimitIsRefusedBeforeTheBodyArrives() throws {
        let channel = try makeStreamChannel(.length)
        defer { channel.tearDown() }
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32(testLimit + 1), endianness: .big)
        try channel.writeInbound(prefix)
        #expect(channel.flushedFrames() == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    @Test func hugeLengthPrefixIsRefused() throws {
        let channel = try makeStreamChannel(.length)
        defer { channel.tearDown() }
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32.max, endianness: .big)
        try channel.writeInbound(prefix)
        #expect(channel.flushedFrames() == [tooLargeResponse])
        #expect(!channel.isActive)
    }

    /// Where each read ends, as byte offsets into two back-to-back frames.
    static let splits: [[Int]] = [
        [1, 2, 3],  // inside the first prefix
        [4],  // right after the first prefix
        [10],  // inside the first body
        [4 + request("ping").utf8.count],  // exactly between the frames
        [4 + request("ping").utf8.count + 2],  // inside the second prefix
        Array(1..<(8 + 2 * request("ping").utf8.count)),  // one byte at a time
    ]

    @Test(arguments: splits)
    func lengthFramesSplitAcrossReadsAreReassembled(splits: [Int]) throws {
        let channel = try makeStreamChannel(.length)
        defer { channel.tearDown() }
        var whole = ByteBuffer.lengthPrefixed(request("ping"))
        var second = ByteBuffer.lengthPrefixed(request("ping"))
        whole.writeBuffer(&second)
        var start = 0
        for end in splits + [whole.readableBytes] {
            try channel.writeInbound(whole.getSlice(at: start, length: end - start)!)
            start = end
        }
        #expect(channel.flushedFrames() == [pongResponse, pongResponse])
        #expect(channel.isActive)
    }

    /// A frame is one JSON text; whitespace alone is not one (unlike a blank NDJSON line, which
    /// is no message at all), so the client must get -32700 rather than wait for a reply forever.
    @Test func lengthFrameOfOnlyWhitespaceIsAParseError() throws {
        let channel = try makeStreamChannel(.length)
        defer { channel.tearDown() }
        try channel.writeInbound(ByteBuffer.lengthPrefixed("  \n "))
        let frames = channel.flushedFrames()
        #expect(frames.count == 1)
        #expect(frames.allSatisfy(isParseError))
        #expect(channel.isActive)
    }
}
