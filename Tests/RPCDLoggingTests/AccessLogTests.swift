import Foundation
import RPCDLogging
import TestSupport
import Testing

@Suite("The access log's file: buffering, reopening, closing")
struct AccessLogTests {
    private static func record(_ method: String) -> AccessLogRecord {
        AccessLogRecord(
            transport: "http",
            peer: "[IPv4]127.0.0.1/127.0.0.1:5000",
            credential: nil,
            method: method,
            errorCode: nil,
            durationMicroseconds: 3,
            requestBytes: 40,
            responseBytes: 30
        )
    }

    private static func methods(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            String(line.split(separator: " ").first { $0.hasPrefix("method=") }!.dropFirst("method=".count))
        }
    }

    @Test func linesWaitInTheBufferUntilAFlush() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("access.log")
        let log = try #require(try AccessLog.open(.file(path: path), format: .text, worker: 1))
        defer { log.close() }
        log.record(Self.record("a"))
        log.record(Self.record("b"))
        #expect(try directory.read("access.log") == "", "one write per call is what the buffer avoids")
        log.flush()
        #expect(Self.methods(try directory.read("access.log")) == ["a", "b"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func aFullBufferIsWrittenAtOnceInWholeLines() throws {
        let directory = try TemporaryDirectory()
        let log = try #require(
            try AccessLog.open(.file(path: directory.file("access.log")), format: .json, worker: nil)
        )
        defer { log.close() }
        // About 200 bytes a line: well past the threshold, and no flush() called.
        for index in 0..<1000 { log.record(Self.record("m\(index)")) }
        let text = try directory.read("access.log")
        #expect(text.utf8.count >= AccessLog.flushThreshold)
        #expect(text.hasSuffix("}\n"))
        for line in text.split(separator: "\n") {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any], "\(line)")
        }
    }

    @Test func reopenWritesTheOldFileThenFollowsThePath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("access.log")
        let log = try #require(try AccessLog.open(.file(path: path), format: .text, worker: nil))
        log.record(Self.record("before"))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try log.reopen()
        log.record(Self.record("after"))
        log.close()
        log.record(Self.record("dropped"))
        #expect(Self.methods(try directory.read("access.log.1")) == ["before"])
        #expect(Self.methods(try directory.read("access.log")) == ["after"])
    }

    @Test func anUnwritableDirectoryIsAPreciseError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing/access.log")
        #expect {
            try AccessLog.open(.file(path: path), format: .text, worker: nil)
        } throws: { error in
            (error as? LogOutputError)?.message.contains("cannot open access log file \(path)") == true
        }
    }

    @Test func offBuildsNothing() throws {
        #expect(try AccessLog.open(.off, format: .text, worker: nil) == nil)
    }
}
