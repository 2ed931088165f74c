import Foundation
import Glibc
import Synchronization
import TestSupport
import Testing

/// Backends and method names across starts and reloads (DESIGN §10): a name defined twice
/// stops the start (exit 2) or is refused on reload with the old generation serving; a reload
/// that adds, changes and removes backends loses no call.
@Suite struct BackendReloadTests {
    static func environment(
        _ scratch: TemporaryDirectory,
        workers: String,
        _ extra: [String: String]
    )
        -> [String: String]
    {
        var environment = RPCDProcess.defaultEnvironment(directory: scratch)
        environment["RPCD_WORKERS"] = workers
        environment["RPCD_LISTEN"] = "tcp://127.0.0.1:0"
        environment.merge(extra) { $1 }
        return environment
    }

    @Test(
        "a backend method clashing with a built-in or another backend stops the start with exit 2",
        arguments: [
            (["RPCD_BACKEND_TB_METHODS": "echo"], "'echo' is defined twice: built-in method and backend tb"),
            (["RPCD_BACKEND_TB_ENV_TB_EXTRA": "sum"], "'sum' is defined twice: built-in method and backend tb"),
            (
                [
                    "RPCD_BACKEND_TB_METHODS": "x.one", "RPCD_BACKEND_TWO_COMMAND": "/bin/cat",
                    "RPCD_BACKEND_TWO_METHODS": "x.one",
                ],
                "'x.one' is defined twice: backend tb and backend two"
            ),
        ]
    )
    func startClash(keys: [String: String], message: String) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let script = try TestBackend.write(in: directory)
        for workers in ["0", "1"] {
            let environment = Self.environment(
                directory,
                workers: workers,
                TestBackend.environment("tb", script: script).merging(keys) { $1 }
            )
            let result = try RunCommand.rpcd([], environment: environment).run()
            #expect(result.exitCode == 2, "\(result)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    /// Writes `NAME.env` declaring a backend running the test script with methods `NAME.*`.
    static func declare(_ name: String, in backends: TemporaryDirectory, script: String, _ keys: [String] = []) throws {
        let lines = ["COMMAND=/usr/bin/python3 \(script)", "ENV_TB_PREFIX=\(name)"] + keys
        _ = try backends.write("\(name).env", lines.joined(separator: "\n") + "\n")
    }

    @Test("a reload adds, changes and removes backends without failing a call; a clash is refused")
    func reloadUnderLoad() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let backends = try TemporaryDirectory(prefix: "rpcd-backends.d")
        let script = try TestBackend.write(in: directory)
        try Self.declare("keep", in: backends, script: script, ["CONCURRENCY=4"])
        try Self.declare("change", in: backends, script: script, ["ENV_VERSION=1"])
        try Self.declare("gone", in: backends, script: script)
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_BACKENDS_DIR": backends.path]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        #expect(try LineClient(endpoint).call(#"{"jsonrpc":"2.0","method":"gone.pid","id":1}"#).contains("result"))

        // Four clients call the backends that stay, one call at a time, throughout.
        let failures = Mutex<[String]>([])
        let answered = Atomic<Int>(0)
        let running = Atomic<Bool>(true)
        let done = DispatchGroup()
        for index in 0..<4 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                let method = index % 2 == 0 ? "keep.echo" : "change.echo"
                // A drained worker closes its connections between calls (DESIGN §9): the call
                // outstanding then never ran, and goes again on a new connection.
                var client: LineClient?
                var id = 0
                while running.load(ordering: .relaxed) {
                    id += 1
                    let request = #"{"jsonrpc":"2.0","method":"\#(method)","params":[\#(id)],"id":\#(id)}"#
                    var answer: String?
                    for _ in 0..<3 where answer == nil {
                        do {
                            if client == nil { client = try LineClient(endpoint, timeout: .seconds(10)) }
                            answer = try client?.call(request, timeout: .seconds(10))
                        } catch {
                            client = nil
                        }
                    }
                    if let answer, answer.contains(#""result":[\#(id)]"#) {
                        answered.add(1, ordering: .relaxed)
                    } else {
                        failures.withLock { $0.append(answer ?? "no answer to \(request)") }
                    }
                }
            }
        }
        try Poll.until("calls answered before the reload") { answered.load(ordering: .relaxed) > 50 }

        try Self.declare("change", in: backends, script: script, ["ENV_VERSION=2", "INSTANCES=2"])
        #expect(unlink(backends.file("gone.env")) == 0)
        try Self.declare("added", in: backends, script: script)
        let reload = try daemon.admin.run(["reload"])
        #expect(reload.exitCode == 0, "\(reload)")
        _ = try daemon.admin.waitForWorkers(timeout: .seconds(30), what: "two workers of generation 2") { workers in
            workers.count == 2 && workers.allSatisfy { $0.generation == 2 && $0.state == "ready" }
        }
        let atReload = answered.load(ordering: .relaxed)
        try Poll.until("calls answered after the reload") { answered.load(ordering: .relaxed) > atReload + 50 }

        let client = try LineClient(endpoint)
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"added.pid","id":2}"#).contains("result"))
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"gone.pid","id":3}"#).contains("-32601"))
        let listed = try #require(try daemon.admin.jsonObject(["backends"]) as? [[String: Any]])
        #expect(listed.compactMap { $0["name"] as? String } == ["added", "change", "keep"])

        // A clash: refused, generation 2 keeps serving every backend.
        try Self.declare("clash", in: backends, script: script, ["METHODS=sum"])
        let refused = try daemon.admin.run(["reload"])
        #expect(refused.exitCode != 0, "\(refused)")
        #expect((refused.stderr + refused.stdout).contains("'sum' is defined twice"), "\(refused)")
        #expect(try daemon.admin.status().generation == 2)
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"keep.echo","params":[7],"id":4}"#).contains("[7]"))

        running.store(false, ordering: .relaxed)
        done.wait()
        #expect(failures.withLock { $0 } == [], "failed calls")
        #expect(answered.load(ordering: .relaxed) > 100)
    }
}
