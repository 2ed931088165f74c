import Foundation
import Glibc
import TestSupport
import Testing

/// Who may use the admin socket (DESIGN §7, §9): it is created 0600 (0660 with
/// `RPCD_ADMIN_GROUP`); the kernel refuses other users at `connect`, and past the file mode the
/// daemon checks `SO_PEERCRED`: root, its own user or a member of the admin group, anyone else
/// gets -32003 and is logged. `rpcd-admin` exits 4 either way. These tests need root (`setpriv`).
@Suite(.enabled(if: getuid() == 0, "runs rpcd-admin as other users through setpriv"))
struct AdminSocketTests {
    /// A user that is neither rpcd's user nor in any group of interest.
    static let stranger = AdminTool.Identity(uid: 4242, gid: 4242)

    static func attributes(_ path: String) throws -> (mode: Int, uid: UInt32, gid: UInt32, isSocket: Bool) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TestSupportError(.systemCall, "stat \(path): \(String(cString: strerror(errno)))")
        }
        return (Int(info.st_mode & 0o7777), info.st_uid, info.st_gid, info.st_mode & 0o170000 == 0o140000)
    }

    static func allowEveryone(_ path: String) throws {
        // Past the kernel's check, only the daemon's SO_PEERCRED check stands in the way.
        guard chmod(path, 0o666) == 0 else {
            throw TestSupportError(.systemCall, "chmod \(path): \(String(cString: strerror(errno)))")
        }
    }

    @Test func socketIsCreated0600AndTheKernelRefusesOtherUsers() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let socket = try Self.attributes(daemon.adminSocket)
        #expect(socket.isSocket)
        #expect(socket.mode == 0o600, "mode \(String(socket.mode, radix: 8))")
        #expect(socket.uid == geteuid())
        #expect(try daemon.admin.run(["status"]).exitCode == 0)

        let mark = daemon.logLines.count
        for identity in [AdminTool.Identity.nobody, Self.stranger] {
            let result = try daemon.admin.run(["status"], as: identity)
            #expect(result.exitCode == 4, "\(identity): \(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("permission denied on \(daemon.adminSocket)"), "\(result)")
        }
        // The kernel refused the connection: the daemon never saw it.
        #expect(!daemon.logLines.dropFirst(mark).contains { $0.message == "admin call refused" })
    }

    @Test func peerCredentialsRefuseAnotherUserEvenWhenTheModeLetsThemIn() throws {
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        try Self.allowEveryone(daemon.adminSocket)
        let before = try daemon.admin.status()

        let mark = daemon.logLines.count
        let attempts: [(arguments: [String], method: String)] = [
            (["status"], "status"), (["workers"], "workers"), (["config"], "config"), (["scale", "3"], "scale"),
            (["log-level", "debug"], "log_level"), (["reload"], "reload"), (["reopen-logs"], "reopen_logs"),
            (["stop", "--quick"], "shutdown"),
        ]
        for attempt in attempts {
            let result = try daemon.admin.run(attempt.arguments, as: .nobody)
            #expect(result.exitCode == 4, "\(attempt.arguments): \(result)")
            #expect(result.stdout.isEmpty, "\(attempt.arguments): \(result)")
            #expect(result.stderr.contains("rpcd refused \(attempt.method): permission denied"), "\(result)")
        }
        // Each refusal is logged with the method and the caller.
        let refusals = daemon.logLines.dropFirst(mark).filter { $0.message == "admin call refused" }
        #expect(refusals.map { $0["admin.method"] ?? "" } == attempts.map(\.method), "\(daemon.jsonLogText)")
        #expect(refusals.allSatisfy { $0.level == "warning" && ($0["reason"] ?? "").contains("uid 65534") })

        // Nothing the stranger asked for happened.
        #expect(daemon.isRunning)
        let after = try daemon.admin.status()
        #expect(after.generation == before.generation && after.workers == before.workers)
        let level = try daemon.admin.jsonObject(["log-level"]) as? [String: String]
        #expect(level == ["level": "info"])
        // The daemon's own user still is served.
        #expect(try daemon.admin.run(["workers"]).exitCode == 0)
    }

    @Test func membersOfTheAdminGroupMayUseTheSocket() throws {
        let (daemon, _) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_ADMIN_GROUP": "nogroup"]
        )
        defer { daemon.kill() }
        let socket = try Self.attributes(daemon.adminSocket)
        #expect(socket.mode == 0o660, "mode \(String(socket.mode, radix: 8))")
        #expect(socket.gid == 65_534, "the socket belongs to the admin group")

        // nobody's primary group is nogroup: a member.
        let member = try daemon.admin.run(["status", "--json"], as: .nobody)
        #expect(member.exitCode == 0, "\(member)")
        #expect(member.stdout.contains("\"pid\":\(daemon.pid)"), "\(member)")
        // Not a member: the kernel refuses (0660)...
        let outsider = try daemon.admin.run(["status"], as: Self.stranger)
        #expect(outsider.exitCode == 4, "\(outsider)")
        #expect(outsider.stderr.contains("permission denied on"), "\(outsider)")
        // ...and so does the daemon once the mode would let them in.
        try Self.allowEveryone(daemon.adminSocket)
        let mark = daemon.logLines.count
        let refused = try daemon.admin.run(["status"], as: Self.stranger)
        #expect(refused.exitCode == 4, "\(refused)")
        #expect(refused.stderr.contains("rpcd refused status"), "\(refused)")
        let logged = daemon.logLines.dropFirst(mark).first { $0.message == "admin call refused" }
        #expect(logged?["reason"]?.contains("uid 4242") == true, "\(daemon.jsonLogText)")
        #expect(try daemon.admin.run(["status"], as: .nobody).exitCode == 0)
    }

    /// Membership is what the peer process holds (its `/proc/PID/status` groups), not what the
    /// group database lists for its uid: uid 4242 has no passwd entry at all.
    @Test func aSupplementaryGroupOfThePeerProcessCounts() throws {
        let (daemon, _) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_ADMIN_GROUP": "users"]
        )
        defer { daemon.kill() }
        let member = try daemon.admin.run(
            ["status", "--json"],
            as: AdminTool.Identity(uid: 4242, gid: 4242, groups: [100])
        )
        #expect(member.exitCode == 0, "\(member)")
        #expect(member.stdout.contains("\"pid\":\(daemon.pid)"), "\(member)")
        // The same user without the group: the kernel already refuses (0660, group users).
        let outsider = try daemon.admin.run(["status"], as: Self.stranger)
        #expect(outsider.exitCode == 4, "\(outsider)")
    }

    @Test func anUnknownAdminGroupIsAConfigurationError() throws {
        let directory = try TemporaryDirectory()
        let result = try RunCommand.rpcd(
            environment: [
                "RPCD_WORKERS": "1", "RPCD_LISTEN": "tcp://127.0.0.1:0", "RPCD_ADMIN_GROUP": "no-such-group-rpcd",
                "RPCD_ADMIN_SOCKET": directory.file("admin.sock"),
            ]
        ).run()
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains("no-such-group-rpcd"), "\(result)")
        #expect(!directory.exists("admin.sock"))
    }
}
