import Foundation
import Glibc
import TestSupport
import Testing

/// Socket activation (DESIGN §3, §6) through `systemd-socket-activate`, which binds named sockets,
/// waits for the first connection and then execs rpcd with `LISTEN_FDS`, `LISTEN_PID` and
/// `LISTEN_FDNAMES`, exactly as a socket unit would.
@Suite(.serialized) struct SocketActivationTests {
    /// Starts `systemd-socket-activate` with `sockets` (address, fd name) in front of rpcd.
    private static func activate(
        _ sockets: [(address: String, name: String)],
        environment: [String: String] = [:]
    ) throws -> RPCDProcess {
        let probe = try TemporaryDirectory(prefix: "rpcd-activate")
        var variables = RPCDProcess.defaultEnvironment(directory: probe)
        variables.merge(environment) { _, given in given }
        var arguments: [String] = []
        for socket in sockets {
            arguments += ["--listen", socket.address]
        }
        arguments.append("--fdname=" + sockets.map(\.name).joined(separator: ":"))
        // systemd-socket-activate passes its child only the variables named with -E.
        for name in variables.keys.sorted() {
            arguments += ["-E", name]
        }
        arguments.append(try ProductsDirectory.rpcd())
        return try RPCDProcess(
            environment: variables,
            arguments: arguments,
            executable: "/usr/bin/systemd-socket-activate"
        )
    }

    private static func waitUntilAccepting(_ port: Int) throws {
        try Poll.until("bind of port \(port) by systemd-socket-activate") {
            PortProbe.bindFailure(port: port) != nil
        }
    }

    /// DESIGN §11: an activated TCP listener other hosts can reach, with no credential, is
    /// refused when rpcd adopts it, as RPCD_LISTEN's would be.
    @Test func anUnauthenticatedActivatedListenerOnEveryAddressIsRefused() throws {
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let daemon = try Self.activate([("0.0.0.0:\(port)", "rpc")], environment: ["RPCD_WORKERS": "0"])
        defer { daemon.kill() }
        try Self.waitUntilAccepting(port)
        // The first connection makes systemd-socket-activate start rpcd, which refuses to serve.
        let client = try LineClient(.tcp(host: "127.0.0.1", port: port), timeout: .seconds(15))
        try client.send(JSONRPCMessages.ping())
        #expect(try daemon.waitForExit(timeout: .seconds(15)) == .exited(2), "\(daemon.stderrText)")
        #expect(
            daemon.stderrText.contains("tcp://0.0.0.0:\(port) is reachable from other hosts"),
            "\(daemon.stderrText)"
        )
        #expect(daemon.stderrText.contains("RPCD_ALLOW_UNAUTHENTICATED=1"), "\(daemon.stderrText)")
    }

    @Test(arguments: [0, 2]) func theFirstConnectionStartsRPCDOnNamedTCPAndUnixSockets(workers: Int) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-activate")
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let httpSocket = directory.file("http.sock")
        let localSocket = directory.file("local.sock")
        let adminSocket = directory.file("admin.sock")
        let daemon = try Self.activate(
            [
                ("127.0.0.1:\(port)", "rpc"), (httpSocket, "http-local"), (localSocket, "local"),
                (adminSocket, "admin"),
            ],
            environment: [
                "RPCD_WORKERS": "\(workers)", "RPCD_ADMIN_SOCKET": adminSocket,
                // Ignored under activation: the sockets replace RPCD_LISTEN.
                "RPCD_LISTEN": "tcp://127.0.0.1:1",
            ]
        )
        defer { daemon.kill() }
        try Self.waitUntilAccepting(port)

        // The first connection is queued by the socket and answered once rpcd has started (how
        // long that takes is measured by bench/lifecycle, not asserted here).
        let client = try LineClient(.tcp(host: "127.0.0.1", port: port), timeout: .seconds(15))
        try client.send(JSONRPCMessages.ping())
        #expect(try client.readLine(timeout: .seconds(15)) == JSONRPCMessages.pong())

        let listeners = try daemon.waitUntilReady()
        #expect(
            Set(listeners.all.map { "\($0.role) \($0.address)" })
                == ["ndjson 127.0.0.1:\(port)", "http \(httpSocket)", "ndjson \(localSocket)"],
            "\(listeners)"
        )
        #expect(try LineClient(unixPath: localSocket).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try HTTPClient(.unix(path: httpSocket)).post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
        let status = try AdminTool(socket: adminSocket).status()
        #expect(status.listeners.count == 3)
        // Activated sockets mean a service manager started rpcd, even without NOTIFY_SOCKET.
        #expect(status.mode == "systemd")

        if workers > 0 {
            // LISTEN_* were read once by the master; workers get the sockets as fds, not the variables.
            #expect(daemon.childPIDs.count == workers)
            for worker in daemon.childPIDs {
                #expect(
                    try !ProcessTable.environmentNames(of: worker).contains { $0.hasPrefix("LISTEN_") },
                    "worker \(worker)"
                )
            }
            // A reload keeps serving on the same activated sockets.
            #expect(try AdminTool(socket: adminSocket).run(["reload"]).exitCode == 0)
            #expect(
                try LineClient(.tcp(host: "127.0.0.1", port: port)).call(JSONRPCMessages.ping())
                    == JSONRPCMessages.pong()
            )
            #expect(try AdminTool(socket: adminSocket).status().listeners.count == 3)
        }

        #expect(daemon.signal(SIGTERM))
        #expect(try daemon.waitForExit(timeout: .seconds(30)) == .exited(0))
        // The socket files belong to whoever created them (the socket unit): rpcd leaves them.
        for path in [httpSocket, localSocket, adminSocket] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path) was removed")
        }
    }

    @Test(arguments: [0, 2]) func socketsKeptInTheFdStoreServeTheirEndpointsAndStaleOnesLeaveIt(workers: Int) throws {
        // What the standalone unit's restart looks like to rpcd (DESIGN §12): systemd passes the
        // sockets it kept under rpcd's own names. One is still in RPCD_LISTEN, one is not, and
        // RPCD_LISTEN adds a unix socket.
        let directory = try TemporaryDirectory(prefix: "rpcd-kept")
        let notify = try NotifySocket(path: directory.file("notify"))
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let stalePort = try PortProbe.unusedPortBelowEphemeralRange()
        let added = directory.file("added.sock")
        let keptName = "listen=tcp%3A//127.0.0.1%3A\(port)"
        let staleName = "listen=tcp%3A//127.0.0.1%3A\(stalePort)"
        let daemon = try Self.activate(
            [("127.0.0.1:\(port)", keptName), ("127.0.0.1:\(stalePort)", staleName)],
            environment: [
                "RPCD_WORKERS": "\(workers)", "NOTIFY_SOCKET": notify.path,
                "RPCD_LISTEN": "tcp://127.0.0.1:\(port),unix:\(added)",
            ]
        )
        defer { daemon.kill() }
        try Self.waitUntilAccepting(port)

        // Binding the port again would fail (the kept socket holds it): serving means reusing it.
        let client = try LineClient(.tcp(host: "127.0.0.1", port: port), timeout: .seconds(15))
        try client.send(JSONRPCMessages.ping())
        #expect(try client.readLine(timeout: .seconds(15)) == JSONRPCMessages.pong())
        let listeners = try daemon.waitUntilReady()
        #expect(
            Set(listeners.all.map(\.endpoint)) == ["tcp://127.0.0.1:\(port)", "unix:\(added)"],
            "\(listeners)"
        )
        #expect(try LineClient(unixPath: added).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())

        // The stale socket is closed and leaves the store; the new one joins it; the kept one
        // is not stored twice.
        let (ready, before) = try notify.receive(timeout: .seconds(15)) { $0["READY"] == "1" }
        let messages = before + [ready]
        #expect(messages.contains { $0["FDSTOREREMOVE"] == "1" && $0["FDNAME"] == staleName }, "\(messages)")
        #expect(
            messages.contains { $0["FDSTORE"] == "1" && $0["FDNAME"] == "listen=unix%3A\(added)" },
            "\(messages)"
        )
        #expect(!messages.contains { $0["FDSTORE"] == "1" && $0["FDNAME"] == keptName }, "\(messages)")
        #expect(messages.allSatisfy { $0.senderPID == daemon.pid }, "\(messages)")
        try Poll.until("port \(stalePort) closed") { PortProbe.bindFailure(port: stalePort) == nil }

        #expect(daemon.signal(SIGTERM))
        #expect(try daemon.waitForExit(timeout: .seconds(30)) == .exited(0))
        // systemd's store still holds it for the next start: its file stays.
        #expect(FileManager.default.fileExists(atPath: added), "\(added) was removed")
    }

    @Test func anAdminSocketOverTCPIsRefused() throws {
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        let adminPort = try PortProbe.unusedPortBelowEphemeralRange()
        let daemon = try Self.activate([("127.0.0.1:\(port)", "rpc"), ("127.0.0.1:\(adminPort)", "admin")])
        defer { daemon.kill() }
        try Self.waitUntilAccepting(port)
        let client = try LineClient(.tcp(host: "127.0.0.1", port: port), timeout: .seconds(15))
        #expect(try daemon.waitForExit() == .exited(2))
        #expect(daemon.stderrText.contains("the admin socket (fd 4) must be a unix socket"), "\(daemon.stderrText)")
        client.close()
    }

    @Test func socketsPassedToAnotherProcessAreIgnored() throws {
        // An inherited LISTEN_* for some other pid is no invitation: RPCD_LISTEN is bound as usual.
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["LISTEN_PID": "1", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "rpc"]
        )
        defer { daemon.kill() }
        #expect(listeners.all.map(\.endpoint) == ["tcp://127.0.0.1:0"])
        #expect(try LineClient(listeners.ndjson()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
    }

    @Test func aDescriptorThatIsNoListeningSocketIsAConfigurationError() throws {
        // `exec` keeps the shell's pid, so LISTEN_PID=$$ names rpcd; fd 3 is a plain file.
        let directory = try TemporaryDirectory(prefix: "rpcd-activate")
        let file = try directory.write("not-a-socket", "")
        let rpcd = try ProductsDirectory.rpcd()
        let result = try RunCommand(
            executable: "/bin/sh",
            arguments: ["-c", "LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=rpc exec \"$0\" 3<\"$1\"", rpcd, file],
            environment: ["RPCD_CONFIG": "/dev/null"]
        ).run(timeout: .seconds(10))
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains("socket fd 3 ('rpc') is not a listening stream socket"), "\(result)")
    }
}
