import NIOCore
import NIOEmbedded
import Testing

@testable import RPCDTransport

@Suite("LengthPrefixFrameDecoder")
struct LengthPrefixFrameDecoderTests {
    static let maxFrameBytes = 8

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var frames: [String]
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "nothing", input: [], frames: []),
        Case(name: "partial prefix", input: [0, 0, 0], frames: []),
        Case(name: "zero-length frame", input: [0, 0, 0, 0], frames: [""]),
        Case(name: "one frame", input: [0, 0, 0, 2] + Array("ab".utf8), frames: ["ab"]),
        Case(name: "partial body", input: [0, 0, 0, 2] + Array("a".utf8), frames: []),
        Case(
            name: "two frames and a partial third",
            input: [0, 0, 0, 1, 0x61, 0, 0, 0, 1, 0x62, 0, 0],
            frames: ["a", "b"]
        ),
        Case(name: "frame at the limit", input: [0, 0, 0, 8] + Array("12345678".utf8), frames: ["12345678"]),
        Case(name: "prefix at the limit, body pending", input: [0, 0, 0, 8] + Array("1234".utf8), frames: []),
    ]

    private static func decoderChannel() -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(LengthPrefixFrameDecoder(maxFrameBytes: Self.maxFrameBytes)))
    }

    @Test(arguments: cases)
    func decodes(_ testCase: Case) throws {
        let channel = Self.decoderChannel()
        defer { channel.tearDown() }
        try channel.writeInbound(ByteBuffer(bytes: testCase.input))
        var frames: [String] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) {
            frames.append(String(buffer: frame))
        }
        #expect(frames == testCase.frames)
    }

    @Test(arguments: [UInt32(maxFrameBytes + 1), 1 << 24, UInt32.max])
    func refusesAnOversizedPrefixBeforeItsBody(length: UInt32) {
        let channel = Self.decoderChannel()
        defer { channel.tearDown() }
        var prefix = ByteBuffer()
        prefix.writeInteger(length, endianness: .big)
        #expect(throws: FrameTooLargeError.self) {
            try channel.writeInbound(prefix)
        }
    }
}
