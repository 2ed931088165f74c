import Foundation
import Glibc
import TestSupport
import Testing

/// Every `rpcd-admin` command against a real master, in both output forms (DESIGN §7, §9 "Admin
/// results"): the human table and `--json` with the field names scripts rely on, and the exit
/// statuses 0, 1, 2, 4 (see AdminSocketTests) and 7. (`stats` is not implemented by the daemon yet.)
@Suite struct RPCDAdminCommandTests {
    /// The whitespace-separated words of each line of a human table.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    /// The keys of a JSON object printed by `--json`.
    static func keys(_ object: Any?) -> Set<String> {
        Set((object as? [String: Any])?.keys.map { $0 } ?? [])
    }

    static let statusKeys: Set<String> = [
        "version", "pid", "mode", "uptime_seconds", "generation", "workers", "listeners", "requests", "errors",
    ]
    static let workerKeys: Set<String> = [
        "id", "pid", "generation", "state", "uptime_seconds", "requests", "errors", "in_flight", "connections",
        "rss_bytes", "restarts",
    ]

    @Test func statusInBothForms() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "http://127.0.0.1:0,tcp://127.0.0.1:0,tcp://127.0.0.1:0?framing=length"
        )
        defer { daemon.kill() }

        let human = try daemon.admin.run(["status"])
        #expect(human.exitCode == 0, "\(human)")
        let rows = Self.rows(human.stdout)
        let version = try RunCommand.rpcd(["--version"]).run().stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(rows.contains(["version", version]), "\(human.stdout)")
        #expect(rows.contains(["pid", "\(daemon.pid)"]))
        #expect(rows.contains(["mode", "foreground"]))
        #expect(rows.contains(["generation", "1"]))
        #expect(rows.contains(["workers", "2/2", "ready"]))
        #expect(rows.contains { $0.first == "uptime" && $0.count == 2 })
        #expect(rows.contains { $0.first == "requests" } && rows.contains { $0.first == "errors" })
        for listener in listeners.all {
            #expect(
                rows.contains { Array($0.suffix(3)) == [listener.role, listener.endpoint, listener.address] },
                "\(listener)"
            )
        }

        // JSON: the result as is, with exactly the fixed names (more would be welcome; none may be missing).
        let object = try daemon.admin.jsonObject(["status"])
        #expect(Self.statusKeys.isSubset(of: Self.keys(object)), "\(object)")
        #expect(Self.keys((object as? [String: Any])?["workers"]) == ["desired", "ready"])
        let listenerObjects = (object as? [String: Any])?["listeners"] as? [Any] ?? []
        #expect(listenerObjects.allSatisfy { Self.keys($0) == ["endpoint", "role", "address"] }, "\(listenerObjects)")
        let status = try daemon.admin.status()
        #expect(status.version == version)
        #expect(status.pid == daemon.pid)
        #expect(status.mode == "foreground")
        #expect(status.generation == 1)
        #expect(status.workers == AdminStatus.Workers(desired: 2, ready: 2))
        #expect(status.uptimeSeconds >= 0 && status.uptimeSeconds < 60)
        #expect(status.listeners.map(\.endpoint) == listeners.all.map(\.endpoint))
        #expect(status.listeners.map(\.role) == ["http", "ndjson", "length"])
        #expect(status.listeners.map(\.address) == listeners.all.map(\.address))

        // Totals grow with the calls served (the workers report them with their heartbeats).
        let client = try LineClient(listeners.ndjson())
        for id in 1...10 {
            #expect(try client.call(JSONRPCMessages.ping(id: id)) == JSONRPCMessages.pong(id: id))
        }
        let error = try client.call(JSONRPCMessages.request("divide", params: "[1,0]", id: "11"))
        #expect(JSONRPCErrorPattern(code: -32000, id: "11").matches(error))
        var totals = try daemon.admin.status()
        try Poll.until(
            "totals of 11 requests and 1 error (last: \(totals.requests), \(totals.errors))",
            interval: .milliseconds(100)
        ) {
            totals = try daemon.admin.status()
            return totals.requests >= 11 && totals.errors >= 1
        }

        // Options may come first, and RPCD_ADMIN_SOCKET may name the socket instead of --socket.
        let leading = try daemon.admin.run(["--json", "status"])
        #expect(leading.exitCode == 0 && leading.stdout.hasPrefix("{"), "\(leading)")
        let fromEnvironment = try daemon.admin.run(["status", "--json"], socketOption: false)
        #expect(
            fromEnvironment.exitCode == 0 && fromEnvironment.stdout.contains("\"pid\":\(daemon.pid)"),
            "\(fromEnvironment)"
        )
    }

    @Test func workersInBothForms() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(workers: 2, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }

        let human = try daemon.admin.run(["workers"])
        #expect(human.exitCode == 0, "\(human)")
        let rows = Self.rows(human.stdout)
        #expect(
            rows.first == [
                "ID", "PID", "GEN", "STATE", "UPTIME", "REQUESTS", "ERRORS", "IN-FLIGHT", "CONNS", "RSS", "RESTARTS",
            ],
            "\(human.stdout)"
        )
        #expect(rows.count == 3)

        let objects = try daemon.admin.jsonObject(["workers"]) as? [Any] ?? []
        #expect(objects.count == 2)
        #expect(objects.allSatisfy { Self.workerKeys.isSubset(of: Self.keys($0)) }, "\(objects)")
        let workers = try daemon.admin.workers()
        #expect(workers.map(\.id) == [1, 2])
        #expect(Set(workers.map(\.pid)) == daemon.childPIDs)
        for worker in workers {
            #expect(worker.generation == 1 && worker.state == "ready" && worker.restarts == 0, "\(worker)")
            #expect(worker.rssBytes > 1 << 20 && worker.rssBytes < 1 << 30, "rss \(worker.rssBytes)")
            #expect(worker.inFlight == 0 && worker.errors == 0)
            // The human row shows the same worker.
            #expect(
                rows.contains {
                    $0.count == 12 && $0[0] == "\(worker.id)" && $0[1] == "\(worker.pid)" && $0[3] == "ready"
                }
            )
        }

        // A call in flight and an open connection show up in the serving worker's row.
        let pid = workers[1].pid
        let client = try daemon.connect(listeners.ndjson(), toWorker: pid)
        try client.startSleep(ms: 3000, id: 1)
        let busy = try daemon.admin.waitForWorkers(what: "a call in flight") { workers in
            workers.contains { $0.pid == pid && $0.inFlight == 1 && $0.connections >= 1 && $0.requests >= 2 }
        }
        #expect(busy.filter { $0.pid != pid }.allSatisfy { $0.inFlight == 0 })
        #expect(try client.readLine() == JSONRPCMessages.slept(ms: 3000, id: 1))
    }

    @Test func logLevelShowsAndSetsTheLevelInEveryProcess() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 2, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }

        let shown = try daemon.admin.run(["log-level"])
        #expect(shown.exitCode == 0 && shown.stdout == "log level: info\n", "\(shown)")
        #expect(try daemon.admin.jsonObject(["log-level"]) as? [String: String] == ["level": "info"])
        #expect(!daemon.logLines.contains { $0.level == "debug" })

        let set = try daemon.admin.run(["log-level", "DEBUG"])
        #expect(set.exitCode == 0 && set.stdout == "log level: debug\n", "\(set)")
        #expect(try daemon.admin.jsonObject(["log-level"]) as? [String: String] == ["level": "debug"])

        // Debug lines now appear: from a running worker (draining on scale-down), from the master
        // (spawning on scale-up) and from a worker started after the change.
        var mark = daemon.logLines.count
        #expect(try daemon.admin.run(["scale", "1"]).exitCode == 0)
        try daemon.admin.waitForWorkers { $0.count == 1 }
        let draining = daemon.logLines.dropFirst(mark).first { $0.level == "debug" && $0["worker"] == "2" }
        #expect(draining != nil, "no debug line from the running worker 2: \(daemon.jsonLogText)")

        mark = daemon.logLines.count
        #expect(try daemon.admin.run(["scale", "2"]).exitCode == 0)
        let ready = try daemon.waitForWorkerReady(after: mark, id: 2)
        // The master's own debug line.
        try daemon.waitForLog(after: mark) {
            $0.message == "worker spawned" && $0.level == "debug" && $0["worker"] == nil
        }
        // The new worker logs its own "worker starting" at debug level: it got the live level too.
        try daemon.waitForLog(after: mark) { $0.level == "debug" && $0["pid"] == ready["worker.pid"] }

        // Back to info: quiet again.
        #expect(try daemon.admin.jsonObject(["log-level", "info"]) as? [String: String] == ["level": "info"])
        mark = daemon.logLines.count
        #expect(try daemon.admin.run(["scale", "1"]).exitCode == 0)
        try daemon.admin.waitForWorkers { $0.count == 1 }
        #expect(!daemon.logLines.dropFirst(mark).contains { $0.level == "debug" }, "\(daemon.jsonLogText)")

        // An unknown level is a usage error, decided before anything is sent.
        let invalid = try daemon.admin.run(["log-level", "loud"])
        #expect(invalid.exitCode == 2, "\(invalid)")
        #expect(invalid.stderr.contains("loud"))
    }

    @Test func configInBothForms() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 2, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }

        let human = try daemon.admin.run(["config"])
        #expect(human.exitCode == 0, "\(human)")
        let rows = Self.rows(human.stdout)
        #expect(rows.first == ["KEY", "VALUE", "SOURCE", "RELOAD"], "\(human.stdout)")
        #expect(rows.contains(["RPCD_WORKERS", "2", "env", "rolling"]), "\(human.stdout)")
        #expect(rows.contains(["RPCD_SHUTDOWN_TIMEOUT", "30s", "default", "live"]), "\(human.stdout)")

        let entries = try daemon.admin.json([String: AdminConfigEntry].self, ["config"])
        let documented: [String: String] = [
            "RPCD_CONFIG": "restart", "RPCD_DAEMON": "restart", "RPCD_LISTEN": "rolling",
            "RPCD_ADMIN_SOCKET": "restart", "RPCD_ADMIN_GROUP": "restart", "RPCD_WORKERS": "rolling",
            "RPCD_THREADS": "rolling", "RPCD_LOG_LEVEL": "live", "RPCD_LOG_TARGET": "live", "RPCD_LOG_FORMAT": "live",
            "RPCD_PIDFILE": "restart", "RPCD_MAX_REQUEST_BYTES": "rolling", "RPCD_MAX_BATCH": "rolling",
            "RPCD_MAX_DEPTH": "rolling", "RPCD_MAX_CONNECTIONS": "rolling", "RPCD_IDLE_TIMEOUT": "rolling",
            "RPCD_REQUEST_TIMEOUT": "rolling", "RPCD_SHUTDOWN_TIMEOUT": "live", "RPCD_WORKER_TIMEOUT": "live",
            "RPCD_MAX_REQUESTS": "rolling", "RPCD_AUTH_TOKEN_FILE": "rolling", "RPCD_TEST_METHODS": "rolling",
        ]
        for (key, reload) in documented.sorted(by: { $0.key < $1.key }) {
            #expect(entries[key]?.reload == reload, "\(key): \(String(describing: entries[key]))")
        }
        #expect(entries["RPCD_WORKERS"] == AdminConfigEntry(value: "2", source: "env", reload: "rolling"))
        #expect(entries["RPCD_LISTEN"]?.value == "tcp://127.0.0.1:0")
        #expect(entries["RPCD_ADMIN_SOCKET"]?.value == daemon.adminSocket)
        #expect(entries["RPCD_MAX_BATCH"] == AdminConfigEntry(value: "1000", source: "default", reload: "rolling"))
        #expect(Set(entries.values.map(\.source)).isSubset(of: ["default", "env", "flag"]), "\(entries)")
    }

    @Test func reopenLogsInBothFormsAndOnSIGUSR1() throws {
        let directory = try TemporaryDirectory()
        let logFile = directory.file("rpcd.log")
        let daemon = try RPCDProcess(
            environment: [
                "RPCD_WORKERS": "2", "RPCD_LISTEN": "tcp://127.0.0.1:0", "RPCD_LOG_TARGET": "file:\(logFile)",
            ]
        )
        defer { daemon.kill() }
        // The log goes to the file, so readiness comes from the admin socket.
        try Poll.until(
            "2 ready workers in the status: \(daemon.stderrText)",
            timeout: .seconds(10),
            interval: .milliseconds(50)
        ) {
            guard daemon.isRunning else { throw TestSupportError(.processExited, "rpcd ended: \(daemon.stderrText)") }
            // Refused until the admin socket exists.
            return (try? daemon.admin.status().workers.ready) == 2
        }

        func contents(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        // The log goes to a file: there is nothing to await but its contents.
        func waitForLine(_ what: String, in path: String, _ predicate: (LogLine) -> Bool) throws {
            try Poll.until("\(what) in \(path): \(contents(path))", interval: .milliseconds(50)) {
                contents(path).split(separator: "\n").map({ LogLine(String($0)) }).contains(where: predicate)
            }
        }
        #expect(contents(logFile).contains("\"msg\":\"ready\""))

        // Rotate, reopen, and the next lines of the master and of a worker go to the new file.
        for (round, way) in ["human", "json", "SIGUSR1"].enumerated() {
            let rotated = directory.file("rpcd.log.\(round)")
            #expect(rename(logFile, rotated) == 0)
            switch way {
            case "human":
                let result = try daemon.admin.run(["reopen-logs"])
                #expect(result.exitCode == 0 && result.stdout == "log files reopened\n", "\(result)")
            case "json":
                let result = try daemon.admin.run(["reopen-logs", "--json"])
                #expect(result.exitCode == 0, "\(result)")
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) is [String: Any],
                    "\(result)"
                )
            default:
                #expect(daemon.signal(SIGUSR1))
                try waitForLine("the SIGUSR1 line", in: rotated) {
                    $0.message == "signal received" && $0["signal"] == "SIGUSR1"
                }
            }
            // Reopening creates the file again (the master reopens before it answers; on SIGUSR1
            // right after logging the signal).
            try Poll.until("new log file after \(way)", interval: .milliseconds(20)) {
                FileManager.default.fileExists(atPath: logFile)
            }
            let rotatedBefore = contents(rotated)
            // A master line (scaling) and a running worker's line (draining) after the reopen.
            #expect(try daemon.admin.run(["scale", "1"]).exitCode == 0)
            try waitForLine("the master's line", in: logFile) { $0.message == "scaling" }
            try waitForLine("worker 2's line (old file: \(contents(rotated)))", in: logFile) {
                $0.message == "draining connections" && $0["worker"] == "2"
            }
            #expect(contents(rotated) == rotatedBefore, "\(way): lines went to the rotated file")
            #expect(try daemon.admin.run(["scale", "2"]).exitCode == 0)
            try daemon.admin.waitForWorkers { $0.ready.count == 2 }
        }
        #expect(daemon.stderrText.isEmpty, "nothing goes to stderr with a file target: \(daemon.stderrText)")
    }

    @Test("stop in both forms", arguments: [false, true])
    func stopInBothForms(json: Bool) throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let result = try daemon.admin.run(json ? ["stop", "--json"] : ["stop"])
        #expect(result.exitCode == 0, "\(result)")
        if json {
            let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Bool]
            #expect(answer == ["stopping": true, "quick": false], "\(result.stdout)")
        } else {
            #expect(result.stdout == "rpcd is stopping (graceful)\n")
        }
        #expect(try daemon.waitForExit() == .exited(0))
        let after = try daemon.admin.run(["status"])
        #expect(after.exitCode == 7, "\(after)")
    }

    @Test func callPrintsTheResultAsJSON() throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "http://127.0.0.1:0,tcp://127.0.0.1:0"
        )
        defer { daemon.kill() }
        // Without --url: the first NDJSON listener that status reports (not the HTTP one before it).
        let ping = try daemon.admin.run(["call", "rpc.ping"])
        #expect(ping.exitCode == 0 && ping.stdout == "\"pong\"\n", "\(ping)")
        #expect(try daemon.admin.run(["call", "echo", #"["hi"]"#]).stdout == "\"hi\"\n")
        #expect(try daemon.admin.run(["call", "sum", #"{"numbers":[1,2.5]}"#]).stdout == "3.5\n")
        let pid = try daemon.admin.run(["call", "test.pid"])
        #expect(
            daemon.childPIDs.contains(Int32(pid.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0),
            "\(pid)"
        )
        // --url picks another listener.
        let http = try listeners.first(role: "http").address
        let viaHTTP = try daemon.admin.run(["call", "rpc.ping", "--url", "http://\(http)"])
        #expect(viaHTTP.exitCode == 0 && viaHTTP.stdout == "\"pong\"\n", "\(viaHTTP)")

        // An error answer is exit 1 with the error on stderr; bad params are a usage error.
        let divide = try daemon.admin.run(["call", "divide", "[1,0]"])
        #expect(divide.exitCode == 1 && divide.stdout.isEmpty, "\(divide)")
        #expect(divide.stderr.contains("-32000") && divide.stderr.contains("division by zero"), "\(divide)")
        let unknown = try daemon.admin.run(["call", "no.such.method"])
        #expect(unknown.exitCode == 1 && unknown.stderr.contains("-32601"), "\(unknown)")
        for bad in ["{", "42", "\"text\""] {
            let result = try daemon.admin.run(["call", "echo", bad])
            #expect(result.exitCode == 2, "\(bad): \(result)")
        }
    }

    @Test func notRunningIsExit7() throws {
        let directory = try TemporaryDirectory()
        // No socket file at all.
        let missing = AdminTool(socket: directory.file("admin.sock"))
        for command in [
            ["status"], ["workers"], ["reload"], ["stop"], ["scale", "2"], ["config"], ["call", "rpc.ping"],
        ] {
            let result = try missing.run(command)
            #expect(result.exitCode == 7, "\(command): \(result)")
            #expect(result.stderr.contains("not running"), "\(result)")
        }
        // A stale socket file nobody listens on, and a path that is not a socket.
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        let stale = daemon.adminSocket
        daemon.kill()
        #expect(FileManager.default.fileExists(atPath: stale))
        #expect(try AdminTool(socket: stale).run(["status"]).exitCode == 7)
        let plain = try directory.write("plain", "not a socket\n")
        #expect(try AdminTool(socket: plain).run(["status"]).exitCode == 7)
    }

    @Test func usageErrorsAreExit2() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        for arguments in [[], ["frobnicate"], ["scale"], ["scale", "x"], ["status", "--timeout", "0"], ["call"]] {
            let result = try daemon.admin.run(arguments)
            #expect(result.exitCode == 2, "\(arguments): \(result)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result)")
        }
        #expect(daemon.isRunning)
    }

    @Test func noAnswerInTimeIsExit1() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        // A stopped master accepts connections (the kernel's backlog) but never answers.
        #expect(daemon.signal(SIGSTOP))
        defer { daemon.signal(SIGCONT) }
        let started = ContinuousClock.now
        let result = try daemon.admin.run(["status", "--timeout", "0.5"])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("0.5s"), "\(result)")
        #expect(ContinuousClock.now - started < .seconds(3))
        daemon.signal(SIGCONT)
        #expect(try daemon.admin.run(["status"]).exitCode == 0)
    }
}
