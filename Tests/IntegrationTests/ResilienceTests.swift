import Foundation
import TestSupport
import Testing

/// Nothing a client sends can crash rpcd: malformed input gets its error, and other connections
/// are served the whole time.
@Suite struct ResilienceTests {
    /// A malformed NDJSON input and the error code it gets (`nil`: the connection is just closed
    /// after a -32005).
    struct Malformed: Sendable, CustomTestStringConvertible {
        let label: String
        let bytes: [UInt8]
        let code: Int
        var testDescription: String { self.label }
    }

    static let malformedLines: [Malformed] = [
        .init(label: "garbage", bytes: Array("hello world\n".utf8), code: -32700),
        .init(label: "binary", bytes: [0x00, 0x01, 0xfe, 0xff, 0x7f, 0x0a], code: -32700),
        .init(
            label: "invalid UTF-8 in a string",
            bytes: Array(#"{"jsonrpc":"2.0","method":"echo","params":[""#.utf8) + [0xc3, 0x28]
                + Array(#""],"id":1}"#.utf8) + [0x0a],
            code: -32700
        ),
        .init(
            label: "overlong UTF-8",
            bytes: Array(#"{"jsonrpc":"2.0","method":"echo","params":[""#.utf8) + [0xc0, 0xaf]
                + Array(#""],"id":1}"#.utf8) + [0x0a],
            code: -32700
        ),
        .init(
            label: "lone surrogate escape",
            bytes: Array(#"{"jsonrpc":"2.0","method":"echo","params":["\udc00"],"id":1}"#.utf8) + [0x0a],
            code: -32700
        ),
        .init(label: "truncated", bytes: Array(#"{"jsonrpc":"2.0","method":"#.utf8) + [0x0a], code: -32700),
        .init(label: "trailing garbage", bytes: Array((JSONRPCMessages.ping() + " x\n").utf8), code: -32700),
        .init(
            label: "two values on a line",
            bytes: Array((JSONRPCMessages.ping() + JSONRPCMessages.ping() + "\n").utf8),
            code: -32700
        ),
        .init(
            label: "100k-deep arrays",
            bytes: Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n").utf8),
            code: -32600
        ),
        .init(
            label: "100k-deep objects, unclosed",
            bytes: Array((String(repeating: #"{"a":"#, count: 100_000) + "\n").utf8),
            code: -32600
        ),
        .init(
            label: "huge number",
            bytes: Array(
                #"{"jsonrpc":"2.0","method":"sum","params":[1\#(String(repeating: "0", count: 100_000))],"id":1}"#.utf8
            ) + [0x0a],
            code: -32602
        ),
        .init(
            label: "NUL inside a string",
            bytes: Array(#"{"jsonrpc":"2.0","method":"echo","params":[""#.utf8) + [0x00] + Array(#""],"id":1}"#.utf8)
                + [0x0a],
            code: -32700
        ),
    ]

    @Test("malformed input gets its error while another connection keeps being served", arguments: Self.malformedLines)
    func malformedLine(_ malformed: Malformed) throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let bystander = try LineClient(listeners.ndjson())
        #expect(try bystander.call(JSONRPCMessages.ping(id: 1)) == JSONRPCMessages.pong(id: 1))

        let attacker = try LineClient(listeners.ndjson())
        try attacker.sendRaw(malformed.bytes)
        let reply = try attacker.readLine()
        #expect(
            JSONRPCErrorPattern(code: malformed.code, id: malformed.code == -32602 ? "1" : "null").matches(reply),
            "got \(String(describing: reply))"
        )
        // The attacker's connection still works, and so does the bystander's.
        #expect(try attacker.call(JSONRPCMessages.ping(id: 2)) == JSONRPCMessages.pong(id: 2))
        #expect(try bystander.call(JSONRPCMessages.ping(id: 3)) == JSONRPCMessages.pong(id: 3))
        #expect(daemon.isRunning)
    }

    @Test func burstOfMalformedInputOnEveryTransport() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,tcp://127.0.0.1:0?framing=length,http://127.0.0.1:0"
        )
        defer { daemon.kill() }
        let pid = daemon.pid
        let bystander = try LineClient(listeners.ndjson())
        var bystanderID = 0
        func bystanderIsServed() throws -> Bool {
            bystanderID += 1
            return try bystander.call(JSONRPCMessages.ping(id: bystanderID)) == JSONRPCMessages.pong(id: bystanderID)
        }

        // NDJSON: every malformed line on one connection, each answered in turn.
        let lines = try LineClient(listeners.ndjson())
        for malformed in Self.malformedLines {
            try lines.sendRaw(malformed.bytes)
            let reply = try lines.readLine()
            #expect(
                reply?.contains("\"code\":\(malformed.code)") == true,
                "\(malformed.label): \(String(describing: reply))"
            )
            #expect(try bystanderIsServed())
        }

        // A 6 MiB line over the default 5 MiB limit: refused, then closed.
        let huge = try LineClient(listeners.ndjson())
        try huge.sendRawUntilClosed([UInt8](repeating: UInt8(ascii: "7"), count: 6 << 20) + [0x0a])
        #expect(JSONRPCErrorPattern(code: -32005).matches(try huge.readLine()))
        #expect(try huge.isClosedByPeer())
        #expect(try bystanderIsServed())

        // Length-prefixed: garbage frames, then a prefix that claims 4 GiB.
        let frames = try LengthPrefixClient(listeners.length())
        for malformed in Self.malformedLines.prefix(6) {
            try frames.sendFrame(malformed.bytes)
            let reply = try frames.readMessage()
            #expect(
                JSONRPCErrorPattern(code: -32700).matches(reply),
                "\(malformed.label): \(String(describing: reply))"
            )
        }
        try frames.sendRaw([0xff, 0xff, 0xff, 0xfe] + Array("{}".utf8))
        #expect(JSONRPCErrorPattern(code: -32005).matches(try frames.readMessage()))
        #expect(try frames.isClosedByPeer())
        #expect(try bystanderIsServed())

        // HTTP: bodies that are not JSON, and requests that are not HTTP.
        let http = try HTTPClient(listeners.http())
        for malformed in Self.malformedLines.prefix(6) {
            let response = try http.request(bytes: malformed.bytes)
            #expect(response.status == 200)
            #expect(JSONRPCErrorPattern(code: -32700).matches(response.bodyText), "\(malformed.label): \(response)")
        }
        for garbage in [
            "\u{0}\u{1}\u{2}\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ] {
            let raw = try HTTPClient(listeners.http())
            try raw.sendRaw(garbage)
            if let response = try raw.readResponse() {
                #expect(response.status >= 400, "\(response)")
            }
            #expect(try bystanderIsServed())
        }

        // Connections opened and dropped mid-message, without reading answers.
        for _ in 0..<20 {
            let rude = try LineClient(listeners.ndjson())
            try rude.sendRaw(
                Array(#"{"jsonrpc":"2.0","method":"test.sleep","params":{"ms":50},"id":1}"#.utf8) + [0x0a]
                    + Array("{\"json".utf8)
            )
            rude.close()
        }
        #expect(try bystanderIsServed())

        #expect(daemon.isRunning)
        #expect(
            try bystander.call(JSONRPCMessages.request("test.pid", id: "\"pid\""))
                == JSONRPCMessages.result("\(pid)", id: "\"pid\"")
        )
    }

    @Test func concurrentBystanderIsServedDuringAFlood() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()

        // A bystander thread keeps calling while the flood runs; it must never miss an answer.
        let bystander = BystanderLoop(endpoint: endpoint)
        bystander.start()
        let flood = try LineClient(endpoint)
        for round in 0..<200 {
            try flood.sendRaw(Array("{\"garbage\": \(round)\n[[[[[[\n\u{7f}\n".utf8))
        }
        for _ in 0..<600 {
            #expect(try flood.readLine() != nil)
        }
        let outcome = bystander.stop()
        #expect(outcome.failures.isEmpty, "bystander failures: \(outcome.failures)")
        #expect(outcome.calls > 0)
        #expect(daemon.isRunning)
    }
}
