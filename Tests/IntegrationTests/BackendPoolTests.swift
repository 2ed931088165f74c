import Foundation
import Glibc
import TestSupport
import Testing

/// Backend pools (DESIGN §10.2) through the real binary: a Python backend on stdin/stdout, its
/// methods learned from its own `rpc.discover`, calls numbered by rpcd, batches split and joined.
@Suite struct BackendPoolTests {
    static func start(
        _ directory: TemporaryDirectory,
        keys: [String: String] = [:],
        environment extra: [String: String] = [:]
    ) throws -> (RPCDProcess, LineClient, Listeners) {
        let script = try TestBackend.write(in: directory)
        var environment = TestBackend.environment("tb", script: script, log: directory.file("tb.log"), keys: keys)
        environment.merge(extra) { $1 }
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0", environment: environment)
        do {
            return (daemon, try LineClient(try listeners.ndjson()), listeners)
        } catch {
            daemon.kill()
            throw error
        }
    }

    @Test("discovered methods answer; results, backend errors and notifications pass through")
    func discoverAndCall() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, client, _) = try Self.start(directory)
        defer { daemon.kill() }
        // The client's id comes back as sent; the backend saw rpcd's own integer id.
        let named = try TestBackend.object(
            try client.call(#"{"jsonrpc":"2.0","method":"tb.echo","params":{"a":[1,2.5,"x"]},"id":"c1"}"#)
        )
        #expect(named["id"] as? String == "c1")
        #expect((named["result"] as? [String: Any])?["a"] as? [AnyHashable] == [1, 2.5, "x"])
        let echoed = try TestBackend.object(
            try client.call(#"{"jsonrpc":"2.0","method":"tb.echo","params":["hello"],"id":2}"#)
        )
        #expect(echoed["result"] as? [String] == ["hello"])
        #expect(echoed["id"] as? Int == 2)

        let failed = try TestBackend.error(try client.call(#"{"jsonrpc":"2.0","method":"tb.error","id":3}"#))
        #expect(failed.code == 7)
        #expect(failed.message == "backend says no")

        // rpc.discover lists the built-ins and the backend's own methods.
        let discover = try TestBackend.object(try client.call(#"{"jsonrpc":"2.0","method":"rpc.discover","id":4}"#))
        let document = try #require(discover["result"] as? [String: Any])
        let names = (document["methods"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains("echo"))
        #expect(names.contains("tb.echo"))
        #expect(names.contains("tb.silent"))

        // A notification reaches the backend as a notification, and gets no answer.
        try client.send(#"{"jsonrpc":"2.0","method":"tb.note","params":["quiet"]}"#)
        try Poll.until("the backend's note of the notification") {
            TestBackend.logLines(directory.file("tb.log")).contains(#"note None ["quiet"]"#)
        }
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"echo","params":["after"],"id":5}"#).contains("after"))
    }

    @Test("a batch is split, routed call by call, and answered in order")
    func batch() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, client, _) = try Self.start(directory, keys: ["CONCURRENCY": "4"])
        defer { daemon.kill() }
        let line = try client.call(
            #"[{"jsonrpc":"2.0","method":"tb.echo","params":["a"],"id":1},"#
                + #"{"jsonrpc":"2.0","method":"echo","params":["b"],"id":2},"#
                + #"{"jsonrpc":"2.0","method":"tb.note","params":["n"]},"#
                + #"{"jsonrpc":"2.0","method":"tb.error","id":3},"#
                + #"{"jsonrpc":"2.0","method":"tb.echo","params":["c"],"id":4}]"#
        )
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]])
        #expect(answers.compactMap { $0["id"] as? Int } == [1, 2, 3, 4])
        #expect(answers[0]["result"] as? [String] == ["a"])
        #expect((answers[2]["error"] as? [String: Any])?["code"] as? Int == 7)
        #expect(answers[3]["result"] as? [String] == ["c"])
    }

    @Test("clients that reuse ids at once never get each other's answers")
    func clientIDsNeverCross() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let (daemon, first, listeners) = try Self.start(directory, keys: ["CONCURRENCY": "8", "QUEUE": "1000"])
        defer { daemon.kill() }
        let second = try LineClient(try listeners.ndjson())
        let count = 100
        for id in 1...count {
            try first.send(#"{"jsonrpc":"2.0","method":"tb.echo","params":["A\#(id)"],"id":\#(id)}"#)
            try second.send(#"{"jsonrpc":"2.0","method":"tb.echo","params":["B\#(id)"],"id":\#(id)}"#)
        }
        for (client, tag) in [(first, "A"), (second, "B")] {
            var seen = Set<Int>()
            for _ in 1...count {
                let answer = try TestBackend.object(try #require(try client.readLine(timeout: .seconds(10))))
                let id = try #require(answer["id"] as? Int)
                #expect(answer["result"] as? [String] == ["\(tag)\(id)"], "\(answer)")
                seen.insert(id)
            }
            #expect(seen.count == count)
        }
    }

    @Test("rpcd-admin backends and /metrics show the pool; each instance leads its own process group")
    func visibility() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-backend")
        let script = try TestBackend.write(in: directory)
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: TestBackend.environment("tb", script: script, keys: ["INSTANCES": "2"])
        )
        defer { daemon.kill() }
        let client = try LineClient(try listeners.ndjson())
        for id in 1...5 {
            #expect(
                try client.call(#"{"jsonrpc":"2.0","method":"tb.echo","params":[\#(id)],"id":\#(id)}"#).contains(
                    "result"
                )
            )
        }
        let backends = try Poll.until("the master's figures of 5 calls", timeout: .seconds(5)) { () -> [String: Any]? in
            let all = try #require(try daemon.admin.jsonObject(["backends"]) as? [[String: Any]])
            guard let tb = all.first, (tb["calls"] as? Int ?? 0) >= 5 else { return nil }
            return tb
        }
        #expect(backends["name"] as? String == "tb")
        #expect((backends["methods"] as? [String])?.contains("tb.echo") == true)
        #expect(backends["instances"] as? [String: Int] == ["desired": 2, "ready": 2])
        for key in ["errors", "in_flight", "queued", "restarts", "p50_ms", "p99_ms"] {
            #expect(backends[key] != nil, "no \(key) in \(backends)")
        }
        let processes = try #require(backends["processes"] as? [[String: Any]])
        #expect(processes.count == 2)
        for process in processes {
            let pid = Int32(try #require(process["pid"] as? Int))
            #expect(getpgid(pid) == pid, "backend \(pid) leads its own process group")
            #expect(process["worker"] as? Int == 1)
            #expect(process["state"] as? String == "ready")
            #expect((process["rss_bytes"] as? Int ?? 0) >= 0)
        }
        let table = try daemon.admin.run(["backends"])
        #expect(table.exitCode == 0)
        #expect(table.stdout.contains("tb"))
        #expect(table.stdout.contains("2/2"))

        let metrics = try Poll.until("backend families in /metrics") { () -> String? in
            let response = try HTTPClient(try listeners.http()).request(method: "GET", path: "/metrics", body: nil)
            return response.bodyText.contains("rpcd_backend_calls_total{backend=\"tb\"}") ? response.bodyText : nil
        }
        #expect(metrics.contains("rpcd_backend_restarts_total{backend=\"tb\"} 0"))
        #expect(metrics.contains("rpcd_backend_queued{backend=\"tb\"} 0"))
    }
}
