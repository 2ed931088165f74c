import Foundation
import Glibc
import Synchronization
import TestSupport
import Testing

/// `RPCD_ACCESS_LOG`: one line per call (batch elements and notifications too) in a file of its own, reopened
/// on SIGUSR1 and `rpcd-admin reopen-logs`, flushed at a graceful stop; or to the log target; or nothing.
@Suite struct AccessLogTests {
    /// The access log's lines so far, parsed as JSON objects (every line must parse).
    static func entries(_ path: String) throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not an object: \(line)")
        }
    }

    static func start(workers: Int, accessLog: String, format: String = "json") throws -> (RPCDProcess, Listeners) {
        let environment = ["RPCD_ACCESS_LOG": accessLog, "RPCD_LOG_FORMAT": format]
        if workers == 0 {
            return try RPCDProcess.start(listen: "tcp://127.0.0.1:0,http://127.0.0.1:0", environment: environment)
        }
        return try RPCDProcess.startMaster(
            workers: workers,
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: environment
        )
    }

    @Test("one line per call over NDJSON, HTTP and in a batch", arguments: [0, 2])
    func oneLinePerCall(workers: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("access.log")
        let (daemon, listeners) = try Self.start(workers: workers, accessLog: "file:\(path)")
        defer { daemon.kill() }

        let line = try LineClient(listeners.ndjson())
        for id in 1...5 {
            #expect(
                try line.call(JSONRPCMessages.request("sum", params: "[1,2]", id: "\(id)")).contains("\"result\":3")
            )
        }
        #expect(try line.call(JSONRPCMessages.request("no.such.method", id: "6")).contains("-32601"))
        #expect(try line.call(JSONRPCMessages.request("sum", params: "[\"x\"]", id: "7")).contains("-32602"))
        try line.send(JSONRPCMessages.notification("sum", params: "[4,5]"))
        let batch =
            "[" + JSONRPCMessages.request("sum", params: "[1,1]", id: "8") + ","
            + JSONRPCMessages.request("batch.missing", id: "9") + "," + JSONRPCMessages.notification("rpc.ping") + "]"
        #expect(try line.call(batch).contains("-32601"))
        let http = try HTTPClient(listeners.http())
        for id in 10...12 {
            #expect(try http.post(JSONRPCMessages.request("sum", params: "[2,3]", id: "\(id)")).status == 200)
        }

        // 5 + 1 + 1 + 1 notification + 3 batch elements + 3 HTTP: flushed within ~100 ms.
        let entries = try Poll.until("14 access log lines: \(String(describing: try? Self.entries(path)))") {
            let entries = try Self.entries(path)
            return entries.count >= 14 ? entries : nil
        }
        #expect(entries.count == 14, "\(entries)")
        func count(_ method: String, _ transport: String, _ outcome: String) -> Int {
            entries.filter {
                $0["method"] as? String == method && $0["transport"] as? String == transport
                    && $0["outcome"] as? String == outcome
            }.count
        }
        #expect(count("sum", "ndjson", "ok") == 7, "5 calls, the notification, the batch's sum: \(entries)")
        #expect(count("no.such.method", "ndjson", "-32601") == 1)
        #expect(count("sum", "ndjson", "-32602") == 1)
        #expect(count("batch.missing", "ndjson", "-32601") == 1)
        #expect(count("rpc.ping", "ndjson", "ok") == 1)
        #expect(count("sum", "http", "ok") == 3)
        for entry in entries {
            let peer = try #require(entry["peer"] as? String)
            #expect(peer.hasPrefix("127.0.0.1:"), "\(entry)")
            #expect(entry["credential"] is NSNull, "no credential configured: \(entry)")
            #expect((entry["request_bytes"] as? Int ?? 0) > 0, "\(entry)")
            #expect((entry["duration_us"] as? Int ?? -1) >= 0, "\(entry)")
            #expect((entry["ts"] as? String)?.hasSuffix("Z") == true, "\(entry)")
            if workers == 0 {
                #expect(entry["worker"] is NSNull, "\(entry)")
            } else {
                #expect([1, 2].contains(entry["worker"] as? Int ?? 0), "\(entry)")
            }
        }
        let unanswered = entries.filter { $0["response_bytes"] as? Int == 0 }
        #expect(unanswered.count == 2, "the two notifications, and only they, have no response: \(entries)")
        // A single call's request is its whole line; a batch element's is its own object.
        let single = JSONRPCMessages.request("sum", params: "[2,3]", id: "10").utf8.count
        #expect(entries.contains { $0["transport"] as? String == "http" && $0["request_bytes"] as? Int == single })
        let element = JSONRPCMessages.request("batch.missing", id: "9").utf8.count
        #expect(
            entries.contains { $0["method"] as? String == "batch.missing" && $0["request_bytes"] as? Int == element }
        )
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func textLinesInTheFixedOrder() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("access.log")
        let socket = directory.file("rpc.sock")
        // Text logs too (one format for both), so readiness is the socket answering, not a JSON line.
        let daemon = try RPCDProcess(
            environment: [
                "RPCD_LISTEN": "unix:\(socket)", "RPCD_ACCESS_LOG": "file:\(path)", "RPCD_LOG_FORMAT": "text",
            ]
        )
        defer { daemon.kill() }
        let line = try Poll.until("rpcd answering on \(socket): \(daemon.stderrText)", timeout: .seconds(10)) {
            guard daemon.isRunning else { throw TestSupportError(.processExited, daemon.stderrText) }
            return try? LineClient(unixPath: socket)
        }
        _ = try line.call(JSONRPCMessages.request("sum", params: "[1,2]"))
        let text = try Poll.until("a text line") {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.isEmpty ? nil : text
        }
        let pattern =
            #/^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z worker=- transport=ndjson peer=\S+ credential=- method=sum outcome=ok duration_us=\d+ request_bytes=54 response_bytes=35\n$/#
        #expect(text.wholeMatch(of: pattern) != nil, "\(text)")
    }

    /// Calls on two connections while the file is renamed and reopened: the old and the new file together hold
    /// every call exactly once, and the new one holds some.
    @Test("rotation loses and repeats nothing", arguments: ["SIGUSR1", "reopen-logs"])
    func rotation(way: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("access.log")
        let (daemon, listeners) = try Self.start(workers: 2, accessLog: "file:\(path)")
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        let stop = Atomic<Bool>(false)
        let made = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for connection in 0..<2 {
            DispatchQueue.global().async(group: group) {
                do {
                    let client = try LineClient(endpoint)
                    var index = 0
                    while !stop.load(ordering: .relaxed) {
                        // Unknown names make every call's line unique: counted by name, like an id.
                        let method = "rot.\(connection).\(index)"
                        let answer = try client.call(JSONRPCMessages.request(method, id: "\(index)"))
                        guard answer.contains("-32601") else { throw TestSupportError(.timedOut, answer) }
                        made.withLock { $0.append(method) }
                        index += 1
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        defer {
            stop.store(true, ordering: .relaxed)
            group.wait()
        }
        try Poll.until("calls in the first file") { try Self.entries(path).count >= 50 }
        #expect(rename(path, path + ".1") == 0)
        if way == "SIGUSR1" {
            #expect(daemon.signal(SIGUSR1))
        } else {
            let result = try daemon.admin.run(["reopen-logs"])
            #expect(result.exitCode == 0, "\(result)")
        }
        try Poll.until("calls in the new file") { try Self.entries(path).count >= 50 }
        stop.store(true, ordering: .relaxed)
        group.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")

        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit(timeout: .seconds(20)) == .exited(0))
        let logged = try Self.entries(path + ".1") + Self.entries(path)
        let names = logged.compactMap { $0["method"] as? String }
        let expected = made.withLock { $0 }
        #expect(names.count == expected.count, "lines \(names.count), calls \(expected.count)")
        #expect(Set(names) == Set(expected))
        #expect(Set(names).count == names.count, "no line twice")
    }

    @Test("a graceful stop writes what is buffered", arguments: [0, 2])
    func gracefulStopFlushes(workers: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("access.log")
        let (daemon, listeners) = try Self.start(workers: workers, accessLog: "file:\(path)")
        defer { daemon.kill() }
        let line = try LineClient(listeners.ndjson())
        for id in 1...20 {
            _ = try line.call(JSONRPCMessages.request("stop.\(id)", id: "\(id)"))
        }
        line.close()
        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit(timeout: .seconds(20)) == .exited(0))
        let names = try Self.entries(path).compactMap { $0["method"] as? String }
        #expect(names.sorted() == (1...20).map { "stop.\($0)" }.sorted())
    }

    @Test func onGoesToTheLogTarget() throws {
        let (daemon, listeners) = try Self.start(workers: 0, accessLog: "on")
        defer { daemon.kill() }
        let mark = daemon.logLines.count
        let line = try LineClient(listeners.ndjson())
        _ = try line.call(JSONRPCMessages.request("sum", params: "[1,2]"))
        let logged = try daemon.waitForLog(after: mark) { $0["method"] == "sum" }
        #expect(logged["transport"] == "ndjson" && logged["outcome"] == "ok", "\(logged)")
        #expect(logged["request_bytes"] == "54" && logged["response_bytes"] == "35", "\(logged)")
    }

    @Test func offWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let (daemon, listeners) = try Self.start(workers: 0, accessLog: "off")
        defer { daemon.kill() }
        let line = try LineClient(listeners.ndjson())
        for id in 1...5 {
            _ = try line.call(JSONRPCMessages.request("sum", params: "[1,2]", id: "\(id)"))
        }
        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit() == .exited(0))
        #expect(!daemon.logLines.contains { $0["method"] != nil || $0["duration_us"] != nil }, "\(daemon.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func aBadValueOrDirectoryIsRefusedAtCheck() throws {
        let directory = try TemporaryDirectory()
        for (value, message) in [
            ("sometimes", "RPCD_ACCESS_LOG='sometimes': expected off, on or file:PATH"),
            ("file:\(directory.file("none/access.log"))", "does not exist"),
        ] {
            let daemon = try RPCDProcess(
                environment: ["RPCD_LISTEN": "tcp://127.0.0.1:0", "RPCD_ACCESS_LOG": value],
                arguments: ["--check-config"]
            )
            let status = try daemon.waitForExit()
            #expect(status == .exited(2), "\(value): \(status) \(daemon.stderrText) \(daemon.stdoutText)")
            #expect((daemon.stderrText + daemon.stdoutText).contains(message), "\(daemon.stderrText)")
        }
    }
}
