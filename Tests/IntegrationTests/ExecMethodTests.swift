import Foundation
import Glibc
import TestSupport
import Testing

/// Exec methods (DESIGN §10.1) against the real binary: shell scripts in a temporary
/// `RPCD_METHODS_DIR`, one process per call.
@Suite struct ExecMethodTests {
    /// A methods directory with `scripts` (name → body, written mode 0755).
    static func methodsDirectory(_ scripts: [String: String]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "rpcd-exec")
        for (name, body) in scripts {
            try Self.writeScript(directory.file(name), body)
        }
        return directory
    }

    /// Writes an executable `#!/bin/sh` script. Opened close-on-exec: a child another test spawns
    /// meanwhile must not inherit a writable descriptor, or executing the file fails with ETXTBSY.
    static func writeScript(_ path: String, _ body: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        try #require(descriptor >= 0, "open \(path): \(errno)")
        let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
        #expect(write(descriptor, bytes, bytes.count) == bytes.count)
        close(descriptor)
        #expect(chmod(path, 0o755) == 0)
    }

    /// Starts single-process rpcd serving `directory`.
    static func start(
        _ directory: TemporaryDirectory,
        _ environment: [String: String] = [:]
    ) throws -> (
        RPCDProcess, LineClient
    ) {
        let (daemon, client, _) = try Self.startWithEndpoint(directory, environment)
        return (daemon, client)
    }

    static func startWithEndpoint(
        _ directory: TemporaryDirectory,
        _ environment: [String: String]
    ) throws -> (
        RPCDProcess, LineClient, SocketEndpoint
    ) {
        var environment = environment
        environment["RPCD_METHODS_DIR"] = directory.path
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0", environment: environment)
        do {
            let endpoint = try listeners.ndjson()
            return (daemon, try LineClient(endpoint), endpoint)
        } catch {
            daemon.kill()
            throw error
        }
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func error(_ line: String) throws -> (code: Int, message: String, data: [String: Any]?) {
        let error = try #require(try object(line)["error"] as? [String: Any], "no error in \(line)")
        return (try #require(error["code"] as? Int), error["message"] as? String ?? "", error["data"] as? [String: Any])
    }

    @Test("params round-trip through stdin and stdout; the id token and method are in the environment")
    func roundTrip() throws {
        let directory = try Self.methodsDirectory([
            "math.echo": "exec cat",
            "whoami": #"printf '["%s", %s]' "$RPCD_METHOD" "$RPCD_REQUEST_ID""#,
            "nothing": "exit 0",
        ])
        let (daemon, client) = try Self.start(directory)
        defer { daemon.kill() }
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"math.echo","params":{"a":[1,2.50,"x"]},"id":1}"#)
                == #"{"jsonrpc":"2.0","result":{"a":[1,2.50,"x"]},"id":1}"#
        )
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"math.echo","id":2}"#)
                == #"{"jsonrpc":"2.0","result":null,"id":2}"#
        )
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"whoami","id":"q"}"#)
                == #"{"jsonrpc":"2.0","result":["whoami","q"],"id":"q"}"#
        )
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"nothing","id":3}"#)
                == #"{"jsonrpc":"2.0","result":null,"id":3}"#
        )
    }

    @Test("a notification runs too; its output is dropped")
    func notification() throws {
        let directory = try Self.methodsDirectory([
            "note": #"echo "ran with $(cat) id=${RPCD_REQUEST_ID-unset}" >&2; echo '"ignored"'"#
        ])
        let (daemon, client) = try Self.start(directory)
        defer { daemon.kill() }
        try client.send(#"{"jsonrpc":"2.0","method":"note","params":[1]}"#)
        let logged = try daemon.waitForLog { $0.message?.hasPrefix("ran with") == true }
        #expect(logged.message == "ran with [1] id=unset")
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"rpc.ping","id":1}"#)
                == #"{"jsonrpc":"2.0","result":"pong","id":1}"#
        )
    }

    @Test("the environment holds only the documented variables")
    func environmentIsExact() throws {
        let directory = try Self.methodsDirectory([
            "env.names":
                #"printf '['; env | cut -d= -f1 | sort | sed 's/.*/"&"/' | paste -sd, - | tr -d '\n'; printf ']'"#,
            "env.values": #"printf '["%s", "%s", "%s", "%s"]' "$PATH" "$LANG" "$RPCD_TRANSPORT" "$RPCD_PEER""#,
        ])
        let (daemon, client) = try Self.start(directory, ["RPCD_METHODS_PASS_ENV": "TZ,NOT_SET"])
        defer { daemon.kill() }
        let names = try #require(
            try Self.object(try client.call(#"{"jsonrpc":"2.0","method":"env.names","id":1}"#))["result"] as? [String]
        )
        // PWD is the shell's own doing, not rpcd's.
        #expect(
            Set(names).subtracting(["PWD"])
                == [
                    "PATH", "LANG", "RPCD_METHOD", "RPCD_REQUEST_ID", "RPCD_DEADLINE_MS", "RPCD_TRANSPORT", "RPCD_PEER",
                ]
        )
        let values = try #require(
            try Self.object(try client.call(#"{"jsonrpc":"2.0","method":"env.values","id":1}"#))["result"] as? [String]
        )
        #expect(values.prefix(3) == ["/usr/local/bin:/usr/bin:/bin", "C.UTF-8", "tcp"])
        #expect(values[3].hasPrefix("127.0.0.1:"))
    }

    @Test("outcomes: a JSON error object on exit 3, non-JSON stdout on exit 0, a plain failure")
    func outcomes() throws {
        let directory = try Self.methodsDirectory([
            "fails": #"echo '{"code": 4711, "message": "no such user", "data": {"user": "x"}}'; exit 3"#,
            "garbage": "echo this is not json",
            "crash": "echo 'first' >&2; echo 'it broke' >&2; exit 5",
        ])
        let (daemon, client) = try Self.start(directory)
        defer { daemon.kill() }
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"fails","id":1}"#)
                == #"{"jsonrpc":"2.0","error":{"code":4711,"message":"no such user","data":{"user":"x"}},"id":1}"#
        )
        let garbage = try Self.error(try client.call(#"{"jsonrpc":"2.0","method":"garbage","id":2}"#))
        #expect(garbage.code == -32006)
        #expect(garbage.data?["reason"] as? String == "invalid JSON on stdout")
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"crash","id":3}"#)
                == #"{"jsonrpc":"2.0","error":{"code":-32000,"message":"it broke","data":{"exit_status":5}},"id":3}"#
        )
        // stderr lines are logged at warning with the method and the pid.
        let logged = try daemon.waitForLog { $0.message == "it broke" }
        #expect(logged.level == "warning" && logged["rpc.method"] == "crash" && logged["exec.pid"] != nil)
    }

    @Test("a hang gets -32002 at the deadline; a group that ignores SIGTERM is killed 2 s later")
    func hang() throws {
        let directory = try Self.methodsDirectory([
            "hang": "trap '' TERM; sleep 60 & echo $! > \"$0.pid\"; echo started >&2; wait; wait"
        ])
        let (daemon, client) = try Self.start(directory, ["RPCD_REQUEST_TIMEOUT": "500ms"])
        defer { daemon.kill() }
        let started = ContinuousClock.now
        let answer = try Self.error(try client.call(#"{"jsonrpc":"2.0","method":"hang","id":1}"#))
        let answeredAfter = ContinuousClock.now - started
        #expect(answer.code == -32002)
        #expect(answeredAfter < .milliseconds(1500), "\(answeredAfter)")
        let sleeper = try #require(
            Int32(try directory.read("hang.pid").trimmingCharacters(in: .whitespacesAndNewlines))
        )
        #expect(kill(sleeper, 0) == 0, "the sleeper ignores SIGTERM, so it outlives the deadline")
        // SIGKILL comes 2 s after SIGTERM; the process is gone (and reaped by init) soon after.
        let limit = ContinuousClock.now + .seconds(5)
        while kill(sleeper, 0) == 0, ContinuousClock.now < limit {
            _ = try client.staysSilent(for: .milliseconds(50))
        }
        #expect(kill(sleeper, 0) != 0, "the group is gone")
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"echo","params":["ok"],"id":2}"#).contains("\"ok\""))
    }

    @Test("100 MiB of output is -32006 and the daemon still serves")
    func hugeOutput() throws {
        let directory = try Self.methodsDirectory(["flood": "head -c 104857600 /dev/zero"])
        let (daemon, client) = try Self.start(directory, ["RPCD_METHODS_MAX_OUTPUT": "1MiB"])
        defer { daemon.kill() }
        let answer = try Self.error(
            try client.call(#"{"jsonrpc":"2.0","method":"flood","id":1}"#, timeout: .seconds(10))
        )
        #expect(answer.code == -32006)
        #expect(answer.data?["reason"] as? String == "output over 1048576 bytes")
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"echo","params":["ok"],"id":2}"#).contains("\"ok\""))
    }

    @Test("a world-writable file is refused with a warning naming it; ignored names are not methods")
    func unsafeFiles() throws {
        let directory = try Self.methodsDirectory(["open": "echo 1", "backup~": "echo 1", "safe": "echo 2"])
        #expect(chmod(directory.file("open"), 0o777) == 0)
        let (daemon, client) = try Self.start(directory)
        defer { daemon.kill() }
        let warning = try daemon.waitForLog { $0.message?.contains("refused: world-writable") == true }
        #expect(warning.message?.contains(directory.file("open")) == true)
        #expect(try Self.error(try client.call(#"{"jsonrpc":"2.0","method":"open","id":1}"#)).code == -32601)
        #expect(try Self.error(try client.call(#"{"jsonrpc":"2.0","method":"backup~","id":2}"#)).code == -32601)
        #expect(
            try client.call(#"{"jsonrpc":"2.0","method":"safe","id":3}"#) == #"{"jsonrpc":"2.0","result":2,"id":3}"#
        )
    }

    @Test("a name clash with a built-in stops the start with exit 2 naming both", arguments: ["0", "1"])
    func nameClash(_ workers: String) throws {
        let directory = try Self.methodsDirectory(["echo": "exec cat"])
        let scratch = try TemporaryDirectory(prefix: "rpcd-exec")
        var environment = RPCDProcess.defaultEnvironment(directory: scratch)
        environment["RPCD_METHODS_DIR"] = directory.path
        environment["RPCD_WORKERS"] = workers
        environment["RPCD_LISTEN"] = "tcp://127.0.0.1:0"
        let result = try RunCommand.rpcd([], environment: environment).run()
        #expect(result.exitCode == 2, "\(result)")
        #expect(
            result.stderr.contains("'echo' is defined twice: built-in method and exec method \(directory.file("echo"))")
        )
        let check = try RunCommand.rpcd(["--check-config"], environment: environment).run()
        #expect(check.exitCode == 2, "\(check)")
        #expect(check.stderr.contains("'echo' is defined twice"))
    }

    @Test("queue full: beyond concurrency and queue, -32004 at once")
    func queueFull() throws {
        let directory = try Self.methodsDirectory(["slow": "echo started >&2; exec sleep 10"])
        let (daemon, first, endpoint) = try Self.startWithEndpoint(
            directory,
            ["RPCD_METHODS_CONCURRENCY": "1", "RPCD_METHODS_QUEUE": "0", "RPCD_REQUEST_TIMEOUT": "3s"]
        )
        defer { daemon.kill() }
        try first.send(#"{"jsonrpc":"2.0","method":"slow","params":[],"id":1}"#)
        try daemon.waitForLog { $0.message == "started" }
        let second = try LineClient(endpoint)
        let refused = try Self.error(try second.call(#"{"jsonrpc":"2.0","method":"slow","id":2}"#))
        #expect(refused.code == -32004)
        #expect(refused.data?["reason"] as? String == "queue full")
    }
}
