import Foundation
import Glibc
import Logging
import RPCDLogging
import TestSupport
import Testing

@Suite("Log sinks and handlers")
struct LogSinkTests {
    private static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n")
    }

    /// Whether `JOURNAL_STREAM` names this process's stderr (systemd.exec(5)), read here
    /// independently of the code under test.
    private static var standardErrorIsAJournalStream: Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return value == "\(status.st_dev):\(status.st_ino)"
    }

    private static func logger(_ sink: LogSink, label: String = "rpcd.test") -> Logger {
        Logger(label: label) { sink.makeHandler(label: $0) }
    }

    @Test("a file target gets one text line per record")
    func fileText() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/rpcd.log"
        let sink = try LogSink(target: .file(path: path), format: .text, level: LogLevelControl(.info))
        var logger = Self.logger(sink)
        logger[metadataKey: "worker.pid"] = "42"
        logger.info("hello", metadata: ["rpc.method": "echo"])

        let line = try directory.read("rpcd.log")
        let pattern =
            #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info rpcd\.test: hello rpc\.method=echo worker\.pid=42\n$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o7077 } == 0o640 & 0o7077)
    }

    @Test("a file target in JSON, from a worker")
    func fileJSON() throws {
        let directory = try TemporaryDirectory()
        let sink = try LogSink(
            target: .file(path: "\(directory.path)/rpcd.log"),
            format: .json,
            level: LogLevelControl(.info),
            worker: 3
        )
        Self.logger(sink, label: "rpcd").warning("slow call", metadata: ["rpc.method": "test.sleep", "ms": "1500"])
        let text = try directory.read("rpcd.log")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["msg"] as? String == "slow call")
        #expect(object["pid"] as? Int == Int(ProcessInfo.processInfo.processIdentifier))
        #expect(object["worker"] as? Int == 3)
        #expect(object["rpc.method"] as? String == "test.sleep")
        #expect(object["ms"] as? String == "1500")
        let timestamp = try #require(object["ts"] as? String)
        #expect(timestamp.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/#) != nil)
    }

    @Test("the shared level filters records and changes live")
    func levelFiltering() throws {
        let directory = try TemporaryDirectory()
        let control = LogLevelControl(.warning)
        let sink = try LogSink(target: .file(path: "\(directory.path)/rpcd.log"), format: .text, level: control)
        let logger = Self.logger(sink)
        logger.debug("d1")
        logger.info("i1")
        logger.warning("w1")
        logger.error("e1")
        control.level = .debug
        logger.debug("d2")
        logger.trace("t2")
        control.level = .critical
        logger.error("e3")
        logger.critical("c3")

        let messages = Self.lines(try directory.read("rpcd.log")).map { $0.split(separator: " ").last! }
        #expect(messages == ["w1", "e1", "d2", "c3"])
    }

    @Test("a handler's own level overrides the shared one for that logger only")
    func handlerOverride() throws {
        let directory = try TemporaryDirectory()
        let control = LogLevelControl(.info)
        let sink = try LogSink(target: .file(path: "\(directory.path)/rpcd.log"), format: .text, level: control)
        var quiet = Self.logger(sink, label: "quiet")
        quiet.logLevel = .error
        let normal = Self.logger(sink, label: "normal")
        quiet.info("hidden")
        normal.info("shown")
        #expect(quiet.logLevel == .error)
        #expect(normal.logLevel == .info)
        control.level = .trace
        #expect(quiet.logLevel == .error)
        #expect(normal.logLevel == .trace)
        #expect(Self.lines(try directory.read("rpcd.log")).count == 1)
    }

    @Test("levels round-trip through the control", arguments: Logger.Level.allCases)
    func levelControl(_ level: Logger.Level) {
        let control = LogLevelControl(.info)
        control.level = level
        #expect(control.level == level)
        #expect(LogLevelControl(level).level == level)
    }

    @Test("reopen after the file was moved writes to a new file")
    func reopenAfterMove() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/rpcd.log"
        let sink = try LogSink(target: .file(path: path), format: .text, level: LogLevelControl(.info))
        let logger = Self.logger(sink)
        logger.info("first")
        try FileManager.default.moveItem(atPath: path, toPath: "\(path).1")
        logger.info("second")
        #expect(!FileManager.default.fileExists(atPath: path))

        try sink.reopen()
        logger.info("third")
        #expect(
            Self.lines(try directory.read("rpcd.log.1")).map { $0.hasSuffix(": first") || $0.hasSuffix(": second") }
                == [true, true]
        )
        let current = Self.lines(try directory.read("rpcd.log"))
        #expect(current.count == 1)
        #expect(current.first?.hasSuffix("rpcd.test: third") == true)
    }

    @Test("concurrent records stay whole lines")
    func concurrentWrites() async throws {
        let directory = try TemporaryDirectory()
        let sink = try LogSink(
            target: .file(path: "\(directory.path)/rpcd.log"),
            format: .json,
            level: LogLevelControl(.info)
        )
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let logger = Self.logger(sink)
                    for index in 0..<200 {
                        logger.info(
                            "record",
                            metadata: [
                                "task": "\(task)", "index": "\(index)",
                                "padding": "\(String(repeating: "x", count: 300))",
                            ]
                        )
                    }
                }
            }
        }
        let lines = Self.lines(try directory.read("rpcd.log"))
        #expect(lines.count == 1600)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["msg"] as? String == "record")
        }
    }

    @Test("the syslog target takes records (delivery is syslogd's business)")
    func syslogSmoke() throws {
        let sink = try LogSink(target: .syslog, format: .text, level: LogLevelControl(.info))
        Self.logger(sink).info("rpcd unit test: syslog smoke record", metadata: ["percent": "%s %n"])
        #expect(sink.target == .syslog)
    }

    @Test("auto: stderr in the foreground, journald or syslog as a daemon")
    func autoTarget() throws {
        // A test runner started by a systemd unit may well have the journal as its stderr.
        let foreground = try LogSink(target: .auto, format: .text, level: LogLevelControl(.info))
        #expect(foreground.destinationName == (Self.standardErrorIsAJournalStream ? "journald" : "stderr"))
        let daemon = try LogSink(target: .auto, format: .text, level: LogLevelControl(.info), detached: true)
        let journaldRuns = FileManager.default.fileExists(atPath: "/run/systemd/journal/socket")
        #expect(daemon.destinationName == (journaldRuns ? "journald" : "syslog"))
        let journald = try LogSink(target: .journald, format: .text, level: LogLevelControl(.info))
        #expect(journald.destinationName == "journald")
        // Without journald a record falls back to stderr instead of vanishing.
        Self.logger(journald).info("rpcd unit test: journald record")
    }

    @Test("records are appended to an existing file")
    func appends() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("rpcd.log", "earlier line\n")
        let sink = try LogSink(target: .file(path: path), format: .text, level: LogLevelControl(.info))
        Self.logger(sink).info("later")
        let lines = Self.lines(try directory.read("rpcd.log"))
        #expect(lines.count == 2)
        #expect(lines.first == "earlier line")
    }

    @Test("reconfigure switches file and format in place")
    func reconfigure() throws {
        let directory = try TemporaryDirectory()
        let sink = try LogSink(
            target: .file(path: "\(directory.path)/a.log"),
            format: .text,
            level: LogLevelControl(.info)
        )
        let logger = Self.logger(sink)
        logger.info("to a")
        try sink.reconfigure(target: .file(path: "\(directory.path)/b.log"), format: .json)
        logger.info("to b")
        #expect(sink.target == .file(path: "\(directory.path)/b.log"))
        #expect(sink.format == .json)
        #expect(Self.lines(try directory.read("a.log")).count == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try directory.read("b.log").utf8)) as? [String: Any]
        )
        #expect(object["msg"] as? String == "to b")

        #expect(throws: LogOutputError.self) {
            try sink.reconfigure(target: .file(path: "\(directory.path)/missing/c.log"), format: .text)
        }
        logger.info("still b")
        #expect(Self.lines(try directory.read("b.log")).count == 2)
    }

    @Test("a log file that cannot be opened is an error naming it")
    func openFailure() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/missing/rpcd.log"
        #expect {
            try LogSink(target: .file(path: path), format: .text, level: LogLevelControl(.info))
        } throws: { error in
            guard let error = error as? LogOutputError else {
                return false
            }
            return error.code == .cannotOpenFile
                && error.message == "cannot open log file \(path): No such file or directory"
        }
    }

    @Test("metadata: handler, then provider, then the call site wins")
    func metadataMerge() throws {
        let directory = try TemporaryDirectory()
        let sink = try LogSink(
            target: .file(path: "\(directory.path)/rpcd.log"),
            format: .text,
            level: LogLevelControl(.info)
        )
        var handler = sink.makeHandler(label: "rpcd")
        handler.metadata = ["a": "handler", "b": "handler", "c": "handler"]
        handler.metadataProvider = Logger.MetadataProvider { ["b": "provider", "c": "provider"] }
        let logger = Logger(label: "rpcd") { _ in handler }
        logger.info("merged", metadata: ["c": "call"])
        let line = try directory.read("rpcd.log")
        #expect(line.hasSuffix("rpcd: merged a=handler b=provider c=call\n"))
    }

    @Test("the process factory writes through a shared sink that can be reopened")
    func processFactory() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/rpcd.log"
        let factory = LogOutput.makeFactory(
            target: .file(path: path),
            format: .text,
            level: LogLevelControl(.info),
            worker: nil
        )
        let logger = Logger(label: "rpcd", factory: factory)
        logger.info("one")
        #expect(LogOutput.sink?.target == .file(path: path))
        try FileManager.default.moveItem(atPath: path, toPath: "\(path).1")
        try LogOutput.reopen()
        logger.info("two")
        #expect(Self.lines(try directory.read("rpcd.log")).count == 1)
        #expect(Self.lines(try directory.read("rpcd.log.1")).count == 1)
    }
}
