import Foundation
import Glibc
import TestSupport
import Testing

/// A backend that crashes, lies, floods or hangs (issue 10, item 5): every call it held gets a
/// precise JSON-RPC error at once, the instance is replaced, and rpcd serves everyone else.
@Suite struct BackendFaultTests {
    @Test(
        "a protocol violation fails the call with -32006 and the instance is replaced",
        arguments: ["garbage", "unknown_id", "huge"]
    )
    func protocolViolation(method: String) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, client, listeners) = try BackendPoolTests.start(directory)
        defer { daemon.kill() }
        let before = try TestBackend.pid(client)
        let failed = try TestBackend.error(
            try client.call(#"{"jsonrpc":"2.0","method":"tb.\#(method)","id":1}"#, timeout: .seconds(20))
        )
        #expect(failed.code == -32006, "\(failed)")
        #expect(failed.data?["backend"] as? String == "tb")
        let reason = failed.data?["reason"] as? String ?? ""
        #expect(!reason.isEmpty, "\(failed)")
        // Everyone else is served meanwhile, and the backend comes back as a new process.
        let other = try LineClient(try listeners.ndjson())
        #expect(try other.call(#"{"jsonrpc":"2.0","method":"echo","params":["x"],"id":2}"#).contains("\"x\""))
        let after = try Poll.until("a new tb instance", timeout: .seconds(10)) { () -> Int32? in
            let line = try client.call(#"{"jsonrpc":"2.0","method":"tb.pid","id":3}"#)
            guard let pid = try? TestBackend.object(line)["result"] as? Int else { return nil }
            return Int32(pid)
        }
        #expect(after != before)
        #expect(!ProcessTable.isAlive(before))
    }

    @Test("a backend that exits at start backs off; its calls fail at once or after START_TIMEOUT; the rest serves")
    func crashLoop() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: [
                "RPCD_BACKENDS_DIR": "",
                "RPCD_BACKEND_DEAD_COMMAND": #"/bin/sh -c "echo dying >&2; exit 3""#,
                "RPCD_BACKEND_DEAD_METHODS": "dead.*",
                "RPCD_BACKEND_DEAD_START_TIMEOUT": "1s",
            ]
        )
        defer { daemon.kill() }
        let client = try LineClient(try listeners.ndjson())
        let started = ContinuousClock.now
        // With METHODS set an instance takes calls once it runs: a call that reaches one as it dies
        // fails with its exit status, one that finds none waits START_TIMEOUT for it.
        let failed = try TestBackend.error(try client.call(#"{"jsonrpc":"2.0","method":"dead.x","id":1}"#))
        switch failed.code {
        case -32006:
            #expect(failed.data?["reason"] as? String == "exited", "\(failed)")
            #expect(failed.data?["exit_status"] as? Int == 3, "\(failed)")
        default:
            #expect(failed.code == -32004, "\(failed)")
            #expect(failed.data?["reason"] as? String == "unavailable", "\(failed)")
        }
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"echo","params":["alive"],"id":2}"#).contains("alive"))
        // At once, then 100 ms doubling: a handful of restarts in 3 s, not thousands.
        Thread.sleep(forTimeInterval: 3)
        let backends = try #require(try daemon.admin.jsonObject(["backends"]) as? [[String: Any]])
        let restarts = try #require(backends.first?["restarts"] as? Int)
        #expect((3...12).contains(restarts), "restarts after 4 s: \(restarts)")
        #expect(daemon.stderrText.contains("dying"), "the backend's stderr is logged")
    }

    @Test("a call past its deadline gets -32002; the backend gets $/cancelRequest, then is killed")
    func deadline() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, client, _) = try BackendPoolTests.start(directory, keys: ["TIMEOUT": "500ms"])
        defer { daemon.kill() }
        let before = try TestBackend.pid(client)
        let started = ContinuousClock.now
        let failed = try TestBackend.error(try client.call(#"{"jsonrpc":"2.0","method":"tb.silent","id":"s"}"#))
        #expect(failed.code == -32002)
        #expect(ContinuousClock.now - started < .seconds(2))
        let log = directory.file("tb.log")
        let silent = try Poll.until("the backend's note of the silent call") {
            TestBackend.logLines(log).first { $0.hasPrefix("silent ") }
        }
        let backendID = silent.dropFirst("silent ".count)
        try Poll.until("$/cancelRequest for id \(backendID)") {
            TestBackend.logLines(log).contains("cancel \(backendID)")
        }
        // CONCURRENCY=1 and no answer 2 s after the cancel: killed and replaced.
        #expect(ProcessTable.waitUntilGone([before], timeout: .seconds(5)).isEmpty)
        #expect(try TestBackend.pid(client) != before)
    }

    @Test("a backend flooding stderr is logged with its name and pid, bounded, and keeps answering")
    func stderrFlood() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, client, _) = try BackendPoolTests.start(directory)
        defer { daemon.kill() }
        let pid = try TestBackend.pid(client)
        let line = try client.call(#"{"jsonrpc":"2.0","method":"tb.flood","id":1}"#, timeout: .seconds(30))
        #expect(line.contains("flooded"))
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"echo","params":["ok"],"id":2}"#).contains("ok"))
        let flood = daemon.logLines.filter { $0.message?.hasPrefix("flood line") == true }
        #expect(!flood.isEmpty)
        #expect(flood.first?["backend.name"] == "tb")
        #expect(flood.first?["backend.pid"] == "\(pid)")
        #expect(flood.count < 100_000, "a flood is cut, not copied line for line: \(flood.count)")
    }

    @Test("stopping rpcd kills a backend's child that ignores SIGTERM: no process of its group survives")
    func forkedChild() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, client, _) = try BackendPoolTests.start(directory, keys: ["STOP_TIMEOUT": "1s"])
        defer { daemon.kill() }
        let backend = try TestBackend.pid(client)
        let line = try client.call(#"{"jsonrpc":"2.0","method":"tb.fork","id":1}"#)
        let child = Int32(try #require(try TestBackend.object(line)["result"] as? Int))
        #expect(ProcessTable.isAlive(child))
        #expect(daemon.signal(SIGTERM))
        #expect(try daemon.waitForExit(timeout: .seconds(15)) == .exited(0))
        #expect(ProcessTable.waitUntilGone([backend, child], timeout: .seconds(5)).isEmpty)
        #expect(kill(-backend, 0) == -1, "the process group is empty")
    }

    @Test("a SIGKILL of the master leaves no backend behind")
    func noOrphans() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let script = try TestBackend.write(in: directory)
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:0",
            environment: TestBackend.environment("tb", script: script, keys: ["INSTANCES": "2"])
        )
        defer { daemon.kill() }
        let client = try LineClient(try listeners.ndjson())
        _ = try TestBackend.pid(client)
        let backends = try #require(try daemon.admin.jsonObject(["backends"]) as? [[String: Any]])
        let pids = (backends.first?["processes"] as? [[String: Any]] ?? []).compactMap { $0["pid"] as? Int }
            .map { Int32($0) }
        #expect(pids.count == 2)
        let workers = daemon.childPIDs
        // Not `daemon.kill()`: it also kills the workers' children, which would hide an orphan.
        #expect(daemon.signal(SIGKILL))
        #expect(try daemon.waitForExit() == .signaled(SIGKILL))
        #expect(ProcessTable.waitUntilGone(Array(workers) + pids, timeout: .seconds(5)).isEmpty)
    }
}
