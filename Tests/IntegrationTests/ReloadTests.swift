import Foundation
import Glibc
import TestSupport
import Testing

/// Reloads (DESIGN §3, §5, §9): `HUP` or `rpcd-admin reload` re-reads the config file and rolls a
/// new worker generation; under load no request is lost; a bad file is refused and the old
/// generation keeps serving; endpoints added to `RPCD_LISTEN` are bound, removed ones closed.
@Suite(.serialized) struct ReloadTests {
    /// How the reload is asked for.
    enum Trigger: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sighup
        case admin

        var testDescription: String { self == .sighup ? "SIGHUP" : "rpcd-admin reload" }
    }

    /// Starts rpcd whose worker count and endpoints come from a config file (the environment
    /// would beat the file, so neither `RPCD_WORKERS` nor `RPCD_LISTEN` is set there).
    static func startFromFile(_ contents: String, in directory: TemporaryDirectory) throws -> (RPCDProcess, String) {
        let config = try directory.write("rpcd.env", contents)
        let daemon = try RPCDProcess(environment: ["RPCD_CONFIG": config], unsetting: ["RPCD_WORKERS"])
        do {
            _ = try daemon.waitUntilReady()
        } catch {
            daemon.kill()
            throw error
        }
        return (daemon, config)
    }

    @Test("a reload under load loses no request", arguments: Trigger.allCases)
    func reloadUnderLoad(_ trigger: Trigger) throws {
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 2,
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let tcp = try listeners.ndjson()
        let before = try daemon.admin.status()
        let firstWorkers = try daemon.admin.workers()
        try #require(before.generation == 1 && firstWorkers.count == 2)

        // Clients that honour DESIGN §9: on EOF they reconnect, and a request the server closed
        // the connection on without answering (it never ran) is sent again.
        let load = CallLoad(
            clients: [(.ndjson, tcp), (.ndjson, tcp), (.ndjson, tcp), (.ndjson, tcp), (.http, try listeners.http())],
            policy: .retryUnanswered
        )
        load.start()
        defer { _ = load.stop() }
        try load.waitUntilEveryClient(answered: 20)

        var generation = before.generation
        var oldPIDs = Set(firstWorkers.map(\.pid))
        for round in 0..<3 {
            let mark = daemon.logLines.count
            switch trigger {
            case .sighup:
                #expect(daemon.signal(SIGHUP))
            case .admin:
                // Human output once, JSON the other times.
                let json = round > 0
                let result = try daemon.admin.run(json ? ["reload", "--json"] : ["reload"])
                #expect(result.exitCode == 0, "\(result)")
                if json {
                    let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int]
                    #expect(answer?["generation"] == generation + 1, "\(result.stdout)")
                    #expect(answer?["duration_ms"] != nil && answer?.count == 2, "\(result.stdout)")
                } else {
                    #expect(result.stdout.hasPrefix("reloaded: generation \(generation + 1) in "), "\(result.stdout)")
                }
            }
            let reloaded = try daemon.waitForMessage("reloaded", after: mark) {
                $0["generation"] == "\(generation + 1)"
            }
            generation += 1
            // How long a reload takes is measured by bench/lifecycle; here it only has to be logged.
            #expect(reloaded["duration_ms"].flatMap { Int($0) } != nil, "\(reloaded)")
            // The old generation drains and exits; the new one is the whole table.
            let workers = try daemon.admin.waitForWorkers(what: "generation \(generation) alone") { workers in
                workers.count == 2 && workers.allSatisfy { $0.generation == generation && $0.state == "ready" }
            }
            #expect(ProcessTable.waitUntilGone(oldPIDs, timeout: .seconds(5)).isEmpty)
            let newPIDs = Set(workers.map(\.pid))
            #expect(newPIDs.isDisjoint(with: oldPIDs))
            oldPIDs = newPIDs
            try load.waitForAnswers(beyond: load.report.answered, count: 200)
        }
        // Requests outstanding when a draining worker closed their connection are sent again, as
        // DESIGN §9 asks (a client that retries nothing loses them): none fails.
        let report = load.stop()
        #expect(report.failures.isEmpty, "\(report)")
        let after = try daemon.admin.status()
        #expect(after.generation == before.generation + 3)
        #expect(after.listeners == before.listeners, "a reload must keep the bound addresses")
        #expect(!daemon.logLines.contains { $0.message == "reload rolled back" })
        #expect(after.workers.desired == 2 && after.workers.ready == 2)
        // Every client was moved to the last generation.
        for client in report.clients {
            #expect(client.servedBy.last.map(oldPIDs.contains) == true, "\(client)")
        }
        #expect(!daemon.logLines.contains { $0.message == "worker died" }, "\(daemon.jsonLogText)")
    }

    @Test func invalidConfigFileIsRefusedAndTheOldGenerationKeepsServing() throws {
        let directory = try TemporaryDirectory()
        let (daemon, config) = try Self.startFromFile(
            "RPCD_WORKERS=2\nRPCD_LISTEN=tcp://127.0.0.1:0\n",
            in: directory
        )
        defer { daemon.kill() }
        let before = try daemon.admin.status()
        let workers = try daemon.admin.workers()
        #expect(before.workers.desired == 2, "RPCD_WORKERS comes from the file")
        let tcp = try SocketEndpoint(address: before.listener(role: "ndjson").address)
        let load = CallLoad(clients: [(.ndjson, tcp), (.ndjson, tcp)], policy: .failUnanswered)
        try daemon.withOnlyWorker(workers[0].pid) {
            load.start()
            try load.waitUntilConnected()
        }
        defer { _ = load.stop() }
        try load.waitUntilEveryClient(answered: 10)

        try directory.write("rpcd.env", "RPCD_WORKERS=abc\nRPCD_LISTEN=tcp://127.0.0.1:0\n")
        let mark = daemon.logLines.count
        for arguments in [["reload"], ["reload", "--json"]] {
            let result = try daemon.admin.run(arguments)
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.contains("RPCD_WORKERS") && result.stderr.contains("abc"), "the reason: \(result)")
        }
        let hupMark = daemon.logLines.count
        daemon.signal(SIGHUP)
        try daemon.waitForLog(after: hupMark) { $0.message?.hasPrefix("reload refused") == true }
        let refused = daemon.logLines.dropFirst(mark).filter { $0.message?.hasPrefix("reload refused") == true }
        #expect(refused.count == 3, "two admin reloads and one HUP: \(refused)")
        #expect(
            refused.allSatisfy { $0.level == "error" && ($0["error"] ?? "").contains("RPCD_WORKERS") },
            "\(refused)"
        )

        // Nothing changed: same generation, same processes, the load never noticed.
        try load.waitForAnswers(beyond: load.report.answered, count: 100)
        let status = try daemon.admin.status()
        #expect(status.generation == before.generation)
        #expect(status.workers == before.workers)
        #expect(try daemon.admin.workers().map(\.pid) == workers.map(\.pid))
        #expect(!daemon.logLines.dropFirst(mark).contains { $0.message == "reloading" })
        let report = load.stop()
        #expect(report.failures.isEmpty, "\(report)")
        #expect(report.reconnects == 0, "\(report)")

        // Once the file is fixed, the next reload applies it.
        try directory.write("rpcd.env", "RPCD_WORKERS=3\nRPCD_LISTEN=tcp://127.0.0.1:0\n")
        let result = try daemon.admin.run(["reload"])
        #expect(result.exitCode == 0, "\(result)")
        let reloaded = try daemon.admin.waitForWorkers(what: "three workers of generation 2") { workers in
            workers.count == 3 && workers.allSatisfy { $0.generation == before.generation + 1 && $0.state == "ready" }
        }
        #expect(Set(reloaded.map(\.id)) == [1, 2, 3])
        let after = try daemon.admin.status()
        #expect(after.generation == before.generation + 1)
        #expect(after.workers.desired == 3 && after.workers.ready == 3)
        let entries = try daemon.admin.json([String: AdminConfigEntry].self, ["config"])
        #expect(entries["RPCD_WORKERS"]?.value == "3")
        #expect(
            entries["RPCD_WORKERS"]?.source.contains(config) == true,
            "\(String(describing: entries["RPCD_WORKERS"]))"
        )
    }

    @Test func reloadBindsAnAddedEndpointAndClosesARemovedOne() throws {
        let directory = try TemporaryDirectory()
        // The endpoint to remove gets a port below the ephemeral range, so that nothing else can
        // take it once it is closed and this test can check that it is free.
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let (daemon, _) = try Self.startFromFile(
            "RPCD_WORKERS=1\nRPCD_LISTEN=tcp://127.0.0.1:\(port)\n",
            in: directory
        )
        defer { daemon.kill() }
        let before = try daemon.admin.status()
        try #require(before.listeners.count == 1)
        let tcp = SocketEndpoint.tcp(host: "127.0.0.1", port: port)

        // Added: the new endpoint is bound and served; the kept one keeps its address.
        try directory.write(
            "rpcd.env",
            "RPCD_WORKERS=1\nRPCD_LISTEN=tcp://127.0.0.1:\(port),http://127.0.0.1:0\n"
        )
        let mark = daemon.logLines.count
        var result = try daemon.admin.run(["reload"])
        #expect(result.exitCode == 0, "\(result)")
        let added = try daemon.admin.status()
        #expect(added.generation == before.generation + 1)
        #expect(try added.listener(role: "ndjson") == before.listener(role: "ndjson"))
        let httpListener = try added.listener(role: "http")
        #expect(httpListener.endpoint == "http://127.0.0.1:0")
        let http = try SocketEndpoint(address: httpListener.address)
        let response = try HTTPClient(http).post(JSONRPCMessages.ping())
        #expect(response.status == 200 && response.bodyText == JSONRPCMessages.pong(), "\(response)")
        #expect(try LineClient(tcp).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        // DESIGN §3: a port-0 endpoint's bound address is logged (at start-up it is, as "listening").
        let logged = daemon.logLines.dropFirst(mark).first { $0.message == "listening" && $0["role"] == "http" }
        #expect(logged?["address"] == httpListener.address, "\(daemon.jsonLogText)")

        // Removed: once the old generation has drained, the port is closed and free.
        try directory.write("rpcd.env", "RPCD_WORKERS=1\nRPCD_LISTEN=http://127.0.0.1:0\n")
        result = try daemon.admin.run(["reload"])
        #expect(result.exitCode == 0, "\(result)")
        let removed = try daemon.admin.status()
        #expect(removed.listeners.map(\.endpoint) == ["http://127.0.0.1:0"])
        #expect(try removed.listener(role: "http").address == httpListener.address)
        try daemon.admin.waitForWorkers { $0.count == 1 && $0[0].generation == before.generation + 2 }
        #expect(!StreamSocket.canConnect(to: tcp), "the removed endpoint still accepts")
        #expect(PortProbe.bindFailure(port: port) == nil)
        #expect(try HTTPClient(http).post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
    }

    @Test func reloadThatCannotBindIsRefused() throws {
        // A port this test holds: the new endpoint cannot be bound, so the reload is refused.
        let holder = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { holder.0.kill() }
        let taken = try holder.1.first(role: "ndjson").address
        let directory = try TemporaryDirectory()
        let (daemon, _) = try Self.startFromFile("RPCD_WORKERS=1\nRPCD_LISTEN=tcp://127.0.0.1:0\n", in: directory)
        defer { daemon.kill() }
        let before = try daemon.admin.status()
        try directory.write("rpcd.env", "RPCD_WORKERS=1\nRPCD_LISTEN=tcp://127.0.0.1:0,tcp://\(taken)\n")
        let result = try daemon.admin.run(["reload"])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains(taken), "the reason names the endpoint: \(result)")
        let after = try daemon.admin.status()
        #expect(after.generation == before.generation)
        #expect(after.listeners == before.listeners)
        let tcp = try SocketEndpoint(address: before.listener(role: "ndjson").address)
        #expect(try LineClient(tcp).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }
}
