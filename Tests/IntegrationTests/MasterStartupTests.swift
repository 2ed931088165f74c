import Foundation
import Glibc
import TestSupport
import Testing

/// Starting a master (DESIGN §1, §5, §9): the listeners are bound and logged first, then the
/// admin socket, then every worker reports READY, and only then is `ready` logged.
@Suite(.serialized) struct MasterStartupTests {
    @Test func readyIsLoggedOnceEveryWorkerIsReady() throws {
        // How long a start takes is measured by bench/lifecycle, not asserted here.
        for _ in 0..<3 {
            let daemon = try RPCDProcess(
                environment: ["RPCD_WORKERS": "2", "RPCD_LISTEN": "tcp://127.0.0.1:0,http://127.0.0.1:0"]
            )
            defer { daemon.kill() }
            let listeners = try daemon.waitUntilReady()

            let lines = daemon.logLines.filter(\.isJSON)
            let ready = try #require(lines.firstIndex { $0.message == "ready" })
            let starting = try #require(lines.first { $0.message == "rpcd starting" })
            let listening = lines.indices.filter { lines[$0].message == "listening" }
            let workersReady = lines.indices.filter { lines[$0].message == "worker ready" }
            let admin = try #require(lines.firstIndex { $0.message == "admin socket" })
            #expect(listening.count == 2 && listening.allSatisfy { $0 < admin }, "\(daemon.jsonLogText)")
            #expect(workersReady.count == 2 && workersReady.allSatisfy { admin < $0 && $0 < ready })
            #expect(Set(workersReady.map { lines[$0]["worker.id"] ?? "" }) == ["1", "2"])
            #expect(lines[ready]["workers"] == "2")
            #expect(starting["mode"] == "foreground" && starting["workers"] == "2")

            // The listeners the log announced are the ones status reports, and they serve at once.
            let status = try daemon.admin.status()
            #expect(status.listeners.map(\.address) == listeners.all.map(\.address))
            #expect(status.workers == AdminStatus.Workers(desired: 2, ready: 2))
            #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
            #expect(try HTTPClient(listeners.http()).post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
            #expect(daemon.childPIDs.count == 2)
        }
    }

    @Test func readyIsNotLoggedAgainWhenAWorkerIsReplaced() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let worker = try #require(daemon.admin.workers().first)
        let mark = daemon.logLines.count
        #expect(kill(worker.pid, SIGKILL) == 0)
        try daemon.waitForWorkerReady(after: mark, id: 1, excluding: [worker.pid])
        #expect(daemon.logLines.count { $0.message == "ready" } == 1)
    }

    @Test func aPortInUseStopsTheMasterBeforeAnyWorkerStarts() throws {
        let (holder, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { holder.kill() }
        let taken = try listeners.first(role: "ndjson").address
        let directory = try TemporaryDirectory()
        let result = try RunCommand.rpcd(
            environment: [
                "RPCD_WORKERS": "2", "RPCD_LISTEN": "tcp://127.0.0.1:0,tcp://\(taken)",
                "RPCD_ADMIN_SOCKET": directory.file("admin.sock"), "RPCD_LOG_FORMAT": "json",
            ]
        ).run()
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains(taken), "the message names the endpoint: \(result)")
        #expect(!result.stderr.contains("\"msg\":\"worker ready\""))
        #expect(!directory.exists("admin.sock"))
    }
}
