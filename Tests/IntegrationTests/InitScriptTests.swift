import Foundation
import Glibc
import TestSupport
import Testing

/// The LSB init script `packaging/sysvinit/rpcd` driving the real `rpcd --daemon` through
/// start-stop-daemon, with its settings in a defaults file of the test's own
/// (`RPCD_INIT_DEFAULTS`): every action and its LSB exit code.
@Suite(.serialized) struct InitScriptTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("packaging/sysvinit/rpcd").path

    struct Service {
        let directory: TemporaryDirectory
        let defaults: String
        let pidfile: String
        let port: Int

        init(port: Int) throws {
            self.directory = try TemporaryDirectory(prefix: "rpcd-init")
            self.port = port
            self.pidfile = self.directory.file("rpcd.pid")
            _ = try self.directory.write("rpcd.env", "RPCD_WORKERS=1\n")
            self.defaults = try self.directory.write(
                "default",
                """
                DAEMON=\(try ProductsDirectory.rpcd())
                DAEMON_ADMIN=\(try ProductsDirectory.rpcdAdmin())
                PIDFILE=\(self.pidfile)
                STOP_TIMEOUT=20
                export RPCD_CONFIG=\(self.directory.file("rpcd.env"))
                export RPCD_LISTEN=tcp://127.0.0.1:\(port)
                export RPCD_ADMIN_SOCKET=\(self.directory.file("admin.sock"))
                export RPCD_LOG_TARGET=file:\(self.directory.file("rpcd.log"))

                """
            )
        }

        func run(_ action: String) throws -> CommandResult {
            try RunCommand(
                executable: "/bin/sh",
                arguments: [InitScriptTests.script, action],
                environment: ["RPCD_INIT_DEFAULTS": self.defaults]
            ).run(timeout: .seconds(40))
        }

        var pid: Int32? { ProcessTable.pid(inPidfile: self.pidfile) }

        func answers() throws -> Bool {
            try LineClient(.tcp(host: "127.0.0.1", port: self.port)).call(JSONRPCMessages.ping())
                == JSONRPCMessages.pong()
        }

        func killLeftovers() {
            if let pid = self.pid, ProcessTable.isAlive(pid) {
                ProcessTable.killAndReap(pid)
            }
        }
    }

    @Test func startStatusReloadStopWithLSBExitCodes() throws {
        let service = try Service(port: try PortProbe.unusedPortBelowEphemeralRange())
        defer { service.killLeftovers() }

        #expect(try service.run("status").exitCode == 3, "not running")
        #expect(try service.run("stop").exitCode == 0, "stopping a stopped service succeeds")

        let started = try service.run("start")
        #expect(started.exitCode == 0, "\(started)")
        // start returned: rpcd serves already.
        #expect(try service.answers())
        let pid = try #require(service.pid)
        #expect(ProcessTable.command(of: pid) == "rpcd")
        #expect(try service.run("status").exitCode == 0)
        #expect(try service.run("start").exitCode == 0, "starting a running service succeeds")
        #expect(service.pid == pid, "and leaves it alone")

        #expect(try service.run("reload").exitCode == 0)
        #expect(try service.run("force-reload").exitCode == 0)
        _ = try service.directory.write("rpcd.env", "RPCD_WORKERS=banana\n")
        let refused = try service.run("reload")
        #expect(refused.exitCode == 1, "\(refused)")
        #expect((refused.stdout + refused.stderr).contains("RPCD_WORKERS"), "the reason is shown: \(refused)")
        #expect(try service.answers(), "a refused reload leaves rpcd serving")
        _ = try service.directory.write("rpcd.env", "RPCD_WORKERS=1\n")

        #expect(try service.run("restart").exitCode == 0)
        let restarted = try #require(service.pid)
        #expect(restarted != pid && !ProcessTable.isAlive(pid))
        #expect(try service.answers())

        #expect(try service.run("stop").exitCode == 0)
        #expect(ProcessTable.waitUntilGone([restarted], timeout: .seconds(5)).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: service.pidfile))
        #expect(try service.run("status").exitCode == 3)
        #expect(try service.run("reload").exitCode == 7, "LSB: reload of a stopped service is 'not running'")
        #expect(try service.run("bogus").exitCode == 2, "LSB: unknown action is a usage error")
    }

    @Test func statusSaysDeadAfterAKillAndStartRecovers() throws {
        let service = try Service(port: try PortProbe.unusedPortBelowEphemeralRange())
        defer { service.killLeftovers() }
        #expect(try service.run("start").exitCode == 0)
        let pid = try #require(service.pid)
        #expect(ProcessTable.killAndReap(pid))
        #expect(try service.run("status").exitCode == 1, "LSB: dead, but the pidfile exists")
        #expect(try service.run("start").exitCode == 0)
        #expect(try service.answers())
        #expect(try service.run("stop").exitCode == 0)
    }

    @Test func startFailsWithRPCDsReasonWhenThePortIsTaken() throws {
        let (holder, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { holder.kill() }
        let port = try #require(try listeners.ndjson().port)
        let service = try Service(port: port)
        defer { service.killLeftovers() }
        let result = try service.run("start")
        #expect(result.exitCode == 1, "\(result)")
        #expect((result.stdout + result.stderr).contains("address already in use"), "\(result)")
        #expect(try service.run("status").exitCode == 3)
    }
}
