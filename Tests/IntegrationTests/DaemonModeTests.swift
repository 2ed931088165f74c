import Foundation
import Glibc
import TestSupport
import Testing

/// Classic daemon mode (DESIGN §2, §5; daemon(7)): `rpcd --daemon` detaches, the original
/// process exits 0 only once the daemon serves, and the pidfile is locked for its lifetime.
@Suite(.serialized) struct DaemonModeTests {
    /// A daemon started for a test: its files, and a kill by pid (from its pidfile) when done.
    final class Detached {
        let directory: TemporaryDirectory
        let pidfile: String
        let adminSocket: String
        var pid: Int32?

        init() throws {
            self.directory = try TemporaryDirectory(prefix: "rpcd-daemon")
            self.pidfile = self.directory.file("rpcd.pid")
            self.adminSocket = self.directory.file("admin.sock")
        }

        deinit {
            if let pid = self.pid, ProcessTable.isAlive(pid) {
                ProcessTable.killAndReap(pid)
            }
        }

        func start(
            listen: String,
            arguments: [String] = [],
            environment: [String: String] = [:]
        ) throws -> CommandResult {
            var variables: [String: String] = [
                "RPCD_LISTEN": listen, "RPCD_ADMIN_SOCKET": self.adminSocket, "RPCD_WORKERS": "1",
                "RPCD_LOG_TARGET": "file:\(self.directory.file("rpcd.log"))",
            ]
            variables.merge(environment) { _, given in given }
            let result = try RunCommand.rpcd(
                ["--daemon", "--pidfile", self.pidfile] + arguments,
                environment: variables
            )
            .run(timeout: .seconds(20))
            if result.exitCode == 0 {
                guard let pid = ProcessTable.pid(inPidfile: self.pidfile) else {
                    throw TestSupportError(.protocolViolation, "rpcd --daemon exited 0 without a pidfile")
                }
                self.pid = pid
            }
            return result
        }

        var log: String {
            (try? String(contentsOfFile: self.directory.file("rpcd.log"), encoding: .utf8)) ?? ""
        }
    }

    /// Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, tty_nr.
    private static func stat(_ pid: Int32) throws -> (ppid: Int32, session: Int32, tty: Int32) {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let afterName = text[text.index(after: try #require(text.lastIndex(of: ")")))...]
        let fields = afterName.split(separator: " ")
        return (Int32(fields[1])!, Int32(fields[3])!, Int32(fields[4])!)
    }

    /// The pids from this test process up to init: a subreaper among them may adopt the daemon.
    private static func ancestors() throws -> Set<Int32> {
        var result: Set<Int32> = [1]
        var pid = getpid()
        while pid > 1 {
            result.insert(pid)
            pid = try Self.stat(pid).ppid
        }
        return result
    }

    @Test func theParentReturnsOnceTheDaemonServesDetachedAsDaemon7Says() throws {
        let daemon = try Detached()
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let result = try daemon.start(listen: "tcp://127.0.0.1:\(port)")
        #expect(result.exitCode == 0, "\(result)")
        // The parent has returned: the port accepts and answers right now, with no retry.
        #expect(
            try LineClient(.tcp(host: "127.0.0.1", port: port)).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong()
        )
        let pid = try #require(daemon.pid)
        #expect(try AdminTool(socket: daemon.adminSocket).status().mode == "daemon")

        let facts = try Self.stat(pid)
        #expect(facts.tty == 0, "no controlling terminal")
        #expect(facts.session != pid, "not a session leader, so it can never acquire a terminal")
        #expect(try Self.ancestors().contains(facts.ppid), "parent \(facts.ppid) is init or a subreaper above the test")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") == "/")
        for fd in 0...2 {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)") == "/dev/null")
        }
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")

        // A second instance fails, naming the first one's pid.
        let second = try RunCommand.rpcd(
            ["--daemon", "--pidfile", daemon.pidfile],
            environment: ["RPCD_LISTEN": "tcp://127.0.0.1:0", "RPCD_ADMIN_SOCKET": daemon.directory.file("other.sock")]
        ).run(timeout: .seconds(20))
        #expect(second.exitCode == 1)
        #expect(second.stderr.contains("rpcd is already running (pid \(pid), pidfile \(daemon.pidfile))"), "\(second)")
        #expect(ProcessTable.pid(inPidfile: daemon.pidfile) == pid, "the pidfile still names the running daemon")

        // USR1 reopens the log file after logrotate moved it.
        let logPath = daemon.directory.file("rpcd.log")
        try FileManager.default.moveItem(atPath: logPath, toPath: logPath + ".1")
        #expect(kill(pid, SIGUSR1) == 0)
        // A detached daemon logs to a file: there is nothing to await but its contents.
        try Poll.until("'log file reopened' in the new log file: \(daemon.log)", interval: .milliseconds(20)) {
            daemon.log.contains("log file reopened")
        }
        let rotated = try String(contentsOfFile: logPath + ".1", encoding: .utf8)
        #expect(rotated.contains("signal received") && rotated.contains("sender.pid=\(getpid())"), "\(rotated)")

        // SIGTERM drains, exits and removes the pidfile.
        #expect(kill(pid, SIGTERM) == 0)
        #expect(ProcessTable.waitUntilGone([pid], timeout: .seconds(20)).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: daemon.pidfile))
    }

    @Test func aStalePidfileFromAKilledDaemonIsReclaimed() throws {
        let daemon = try Detached()
        #expect(try daemon.start(listen: "tcp://127.0.0.1:0").exitCode == 0)
        let first = try #require(daemon.pid)
        #expect(ProcessTable.killAndReap(first))
        #expect(ProcessTable.pid(inPidfile: daemon.pidfile) == first, "a killed daemon leaves its pidfile")

        let again = try daemon.start(listen: "tcp://127.0.0.1:0")
        #expect(again.exitCode == 0, "\(again)")
        let second = try #require(daemon.pid)
        #expect(second != first && ProcessTable.pid(inPidfile: daemon.pidfile) == second)
    }

    @Test func aPortInUseMakesTheParentFailWithTheDaemonsReason() throws {
        let (holder, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { holder.kill() }
        let taken = try listeners.ndjson()
        let daemon = try Detached()
        let result = try daemon.start(listen: "tcp://\(taken)")
        #expect(result.exitCode == 1)
        #expect(result.stderr == "rpcd: cannot start: address already in use: tcp://\(taken)\n", "\(result)")
        // The daemon removes its pidfile before it tells the waiting parent: gone by the time the parent exits.
        #expect(!FileManager.default.fileExists(atPath: daemon.pidfile), "the failed daemon removed its pidfile")
    }

    @Test func daemonModeIsRefusedUnderATypeNotifyUnit() throws {
        let result = try RunCommand.rpcd(
            ["--daemon"],
            environment: ["NOTIFY_SOCKET": "/run/systemd/notify", "RPCD_LISTEN": "tcp://127.0.0.1:0"]
        ).run()
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--daemon (RPCD_DAEMON=1) is refused under a Type=notify unit"), "\(result)")
    }

    @Test func aRelativeConfigIsResolvedBeforeChdirForReloadsToo() throws {
        let daemon = try Detached()
        _ = try daemon.directory.write("rpcd.env", "RPCD_MAX_BATCH=10\n")
        let rpcd = try ProductsDirectory.rpcd()
        let result = try RunCommand(
            executable: "/bin/sh",
            arguments: [
                "-c", "cd \"$1\" && exec \"$0\" --daemon --pidfile rpcd.pid --config rpcd.env", rpcd,
                daemon.directory.path,
            ],
            environment: [
                "RPCD_LISTEN": "tcp://127.0.0.1:0", "RPCD_ADMIN_SOCKET": daemon.adminSocket, "RPCD_WORKERS": "1",
            ]
        ).run(timeout: .seconds(20))
        #expect(result.exitCode == 0, "\(result)")
        daemon.pid = ProcessTable.pid(inPidfile: daemon.pidfile)
        let admin = AdminTool(socket: daemon.adminSocket)
        _ = try daemon.directory.write("rpcd.env", "RPCD_MAX_BATCH=20\n")
        #expect(try admin.run(["reload"]).exitCode == 0)
        let entries = try admin.json([String: AdminConfigEntry].self, ["config"])
        #expect(entries["RPCD_MAX_BATCH"]?.value == "20")
        #expect(entries["RPCD_CONFIG"]?.value == daemon.directory.file("rpcd.env"))
    }
}
