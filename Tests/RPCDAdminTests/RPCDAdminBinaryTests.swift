import JSONRPC
import RPCDAdmin
import TestSupport
import Testing

/// The real `rpcd-admin` binary against a fake admin socket: output forms, option placement,
/// exit codes, and `call` against fake RPC listeners.
@Suite("rpcd-admin binary")
struct RPCDAdminBinaryTests {
    /// One command: how it is typed, what it must send, what the fake answers and how it prints.
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var method: String
        var params: JSONValue?
        var reply: JSONValue
        var human: String

        var testDescription: String { self.arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(
            arguments: ["status"],
            method: "status",
            params: nil,
            reply: try! AdminPayloadTests.status.jsonValue(),
            human: AdminOutput.status(AdminPayloadTests.status)
        ),
        Case(
            arguments: ["workers"],
            method: "workers",
            params: nil,
            reply: try! [AdminPayloadTests.worker].jsonValue(),
            human: """
                ID   PID  GEN  STATE  UPTIME  REQUESTS  ERRORS  IN-FLIGHT  CONNS       RSS  RESTARTS
                 1  4300    3  ready   1m01s       600       2          1      7  12.3 MiB         0

                """
        ),
        Case(
            arguments: ["reload"],
            method: "reload",
            params: nil,
            reply: ["generation": 4, "duration_ms": 850],
            human: "reloaded: generation 4 in 850ms\n"
        ),
        Case(
            arguments: ["stop"],
            method: "shutdown",
            params: ["quick": false],
            reply: ["stopping": true, "quick": false],
            human: "rpcd is stopping (graceful)\n"
        ),
        Case(
            arguments: ["stop", "--quick"],
            method: "shutdown",
            params: ["quick": true],
            reply: ["stopping": true, "quick": true],
            human: "rpcd is stopping (quick)\n"
        ),
        Case(
            arguments: ["scale", "3"],
            method: "scale",
            params: ["workers": 3],
            reply: ["workers": 3],
            human: "workers: 3\n"
        ),
        Case(
            arguments: ["log-level"],
            method: "log_level",
            params: [:],
            reply: ["level": "info"],
            human: "log level: info\n"
        ),
        Case(
            arguments: ["log-level", "DEBUG"],
            method: "log_level",
            params: ["level": "debug"],
            reply: ["level": "debug"],
            human: "log level: debug\n"
        ),
        Case(
            arguments: ["stats"],
            method: "stats",
            params: nil,
            reply: [
                "methods": [
                    "echo": ["calls": 3, "errors": 1, "p50_ms": number("0.5"), "p90_ms": number("1.25"), "p99_ms": 30]
                ]
            ],
            human: """
                METHOD  CALLS  ERRORS    P50     P90   P99
                echo        3       1  0.5ms  1.25ms  30ms

                """
        ),
        Case(
            arguments: ["config"],
            method: "config",
            params: nil,
            reply: [
                "RPCD_WORKERS": ["value": "4", "source": "env", "reload": "rolling"],
                "RPCD_LOG_LEVEL": ["value": "info", "source": "default", "reload": "live"],
            ],
            human: """
                KEY             VALUE  SOURCE   RELOAD
                RPCD_WORKERS    4      env      rolling
                RPCD_LOG_LEVEL  info   default  live

                """
        ),
        Case(
            arguments: ["reopen-logs"],
            method: "reopen_logs",
            params: nil,
            reply: true,
            human: "log files reopened\n"
        ),
    ]

    static func number(_ text: String) -> JSONValue {
        .number(JSONNumber(text: text)!)
    }

    /// Runs `rpcd-admin` with `arguments` and a clean environment plus `environment`.
    static func admin(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try RunCommand(executable: try ProductsDirectory.rpcdAdmin(), arguments: arguments, environment: environment)
            .run()
    }

    /// A fake admin socket in a fresh directory.
    static func adminServer(_ replies: [String: FakeServer.Reply]) throws -> (TemporaryDirectory, FakeServer) {
        let directory = try TemporaryDirectory(prefix: "rpcd-adm")
        return (directory, try FakeServer(unixPath: directory.file("admin.sock"), replies: replies))
    }

    @Test("human output", arguments: cases)
    func human(_ command: Case) throws {
        let (directory, server) = try Self.adminServer([command.method: .result(command.reply)])
        defer { server.stop() }
        let result = try Self.admin(["--socket", server.address] + command.arguments)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == command.human)
        #expect(result.stderr == "")
        let request = try #require(server.received.first)
        #expect(request["method"]?.stringValue == command.method)
        #expect(request["params"] == command.params)
        _ = directory
    }

    @Test("--json before the command prints the result as is", arguments: cases)
    func jsonBefore(_ command: Case) throws {
        let (directory, server) = try Self.adminServer([command.method: .result(command.reply)])
        defer { server.stop() }
        let result = try Self.admin(["--json", "--socket", server.address] + command.arguments)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == command.reply.jsonText + "\n")
        #expect(server.received.first?["params"] == command.params)
        _ = directory
    }

    @Test("--json after the command prints the result as is", arguments: cases)
    func jsonAfter(_ command: Case) throws {
        let (directory, server) = try Self.adminServer([command.method: .result(command.reply)])
        defer { server.stop() }
        let result = try Self.admin(command.arguments + ["--json", "--socket=\(server.address)", "--timeout", "3"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == command.reply.jsonText + "\n")
        #expect(server.received.first?["params"] == command.params)
        _ = directory
    }

    @Test("the socket from RPCD_ADMIN_SOCKET, then from the shared default")
    func socketResolution() throws {
        let (directory, server) = try Self.adminServer(["scale": .result(["workers": 2])])
        defer { server.stop() }
        let fromVariable = try Self.admin(["scale", "2"], environment: ["RPCD_ADMIN_SOCKET": server.address])
        #expect(fromVariable.exitCode == 0, "\(fromVariable)")
        #expect(fromVariable.stdout == "workers: 2\n")
        // $RUNTIME_DIRECTORY/admin.sock comes first in the default, whoever runs the test.
        let fromDefault = try Self.admin(["--json", "scale", "2"], environment: ["RUNTIME_DIRECTORY": directory.path])
        #expect(fromDefault.exitCode == 0, "\(fromDefault)")
        #expect(fromDefault.stdout == "{\"workers\":2}\n")
        // --socket beats the variable.
        let overridden = try Self.admin(
            ["scale", "2", "--socket", server.address],
            environment: ["RPCD_ADMIN_SOCKET": directory.file("missing.sock")]
        )
        #expect(overridden.exitCode == 0, "\(overridden)")
        #expect(server.receivedMethods == ["scale", "scale", "scale"])
    }

    @Test("no socket: exit 7 with a clear message")
    func notRunning() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-adm")
        let path = directory.file("admin.sock")
        let result = try Self.admin(["status", "--socket", path])
        #expect(result.exitCode == 7, "\(result)")
        #expect(result.stderr == "rpcd-admin: rpcd is not running (no socket at \(path))\n")
        #expect(result.stdout == "")
        let json = try Self.admin(["--json", "reload", "--socket", path])
        #expect(json.exitCode == 7, "\(json)")
    }

    @Test("a stale socket file nobody listens on: exit 7")
    func staleSocket() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-adm")
        let path = directory.file("admin.sock")
        try StaleSocket.create(at: path)
        let result = try Self.admin(["--socket", path, "workers"])
        #expect(result.exitCode == 7, "\(result)")
        #expect(result.stderr.hasPrefix("rpcd-admin: rpcd is not running"))
        #expect(result.stderr.contains(path))
    }

    @Test("a JSON-RPC error answer: exit 1, the message on stderr", arguments: [false, true])
    func daemonError(json: Bool) throws {
        let message = "config refused: RPCD_WORKERS=abc: expected a whole number"
        let (directory, server) = try Self.adminServer(["reload": .error(code: -32000, message: message)])
        defer { server.stop() }
        let result = try Self.admin((json ? ["--json"] : []) + ["reload", "--socket", server.address])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("rpcd-admin: reload failed: \(message)"))
        _ = directory
    }

    @Test("-32003 from the admin socket: exit 4")
    func permissionDenied() throws {
        let (directory, server) = try Self.adminServer(["status": .error(code: -32003, message: "Permission denied")])
        defer { server.stop() }
        let result = try Self.admin(["status", "--socket", server.address])
        #expect(result.exitCode == 4, "\(result)")
        #expect(result.stderr.contains("Permission denied"))
        _ = directory
    }

    @Test(
        "no answer within --timeout: exit 1",
        arguments: [["--timeout", "0.3", "reload"], ["reload", "--timeout=0.3"]]
    )
    func timeout(_ arguments: [String]) throws {
        let (directory, server) = try Self.adminServer(["reload": .silent])
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = try Self.admin(["--socket", server.address] + arguments)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("no answer from rpcd within 0.3s"))
        #expect(ContinuousClock.now - started < .seconds(4))
        _ = directory
    }

    @Test("a result the human output cannot read: exit 1")
    func unreadableResult() throws {
        let (directory, server) = try Self.adminServer(["status": .result(["version": 1])])
        defer { server.stop() }
        let result = try Self.admin(["status", "--socket", server.address])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("unexpected status result"))
        let json = try Self.admin(["status", "--json", "--socket", server.address])
        #expect(json.exitCode == 0, "\(json)")
        #expect(json.stdout == "{\"version\":1}\n")
        _ = directory
    }

    @Test(
        "usage errors exit 2 before anything is sent",
        arguments: [
            ["log-level", "verbose"], ["call", "echo", "{bad"], ["call", "echo", "\"text\""], ["call", "echo", "42"],
            ["call", "echo", "[1]", "--url", "ftp://x"], ["status", "--bogus"], ["--bogus", "status"],
            ["scale", "many"], ["scale"], ["frobnicate"], ["status", "--timeout", "0"], ["--timeout", "x", "status"],
            [],
        ]
    )
    func usage(_ arguments: [String]) throws {
        let (directory, server) = try Self.adminServer([:])
        defer { server.stop() }
        let result = try Self.admin(arguments, environment: ["RPCD_ADMIN_SOCKET": server.address])
        #expect(result.exitCode == 2, "\(result)")
        #expect(!result.stderr.isEmpty)
        #expect(server.received.isEmpty)
        _ = directory
    }

    @Test(
        "help, version and completion scripts exit 0",
        arguments: [
            ["--help"], ["status", "--help"], ["help", "call"], ["--version"],
            ["--generate-completion-script", "bash"], ["--generate-completion-script", "zsh"],
            ["--generate-completion-script", "fish"],
        ]
    )
    func help(_ arguments: [String]) throws {
        let result = try Self.admin(arguments)
        #expect(result.exitCode == 0, "\(result)")
        #expect(!result.stdout.isEmpty)
    }

    @Test("the bash completion knows the commands and options")
    func completion() throws {
        let result = try Self.admin(["--generate-completion-script", "bash"])
        for word in [
            "status", "workers", "reload", "stop", "scale", "log-level", "stats", "config", "reopen-logs", "call",
        ] {
            #expect(result.stdout.contains(word), "\(word)")
        }
        #expect(result.stdout.contains("--socket"))
        #expect(result.stdout.contains("--quick"))
    }

    @Test("call --url sends to an NDJSON TCP listener and prints the result JSON")
    func callWithURL() throws {
        let rpc = try FakeServer(
            loopbackFraming: .ndjson,
            replies: ["sum": .result(3), "echo": .result(["a": [1, "x"]])]
        )
        defer { rpc.stop() }
        let sum = try Self.admin(["call", "sum", "[1, 2]", "--url", "tcp://\(rpc.address)"])
        #expect(sum.exitCode == 0, "\(sum)")
        #expect(sum.stdout == "3\n")
        let echo = try Self.admin(["--url=tcp://\(rpc.address)", "call", "echo", #"{"message": {"a": [1, "x"]}}"#])
        // --url belongs to call: before the command it is an unknown option.
        #expect(echo.exitCode == 2, "\(echo)")
        let named = try Self.admin([
            "--json", "call", "echo", #"{"message": {"a": [1, "x"]}}"#, "--url", "tcp://\(rpc.address)",
        ])
        #expect(named.exitCode == 0, "\(named)")
        #expect(named.stdout == #"{"a":[1,"x"]}"# + "\n")
        #expect(rpc.received.map { $0["params"] } == [[1, 2], ["message": ["a": [1, "x"]]]])
        #expect(rpc.received.allSatisfy { $0["jsonrpc"] == "2.0" && $0["id"] != nil })
    }

    @Test("call without --url uses the first ndjson listener from status")
    func callFromStatus() throws {
        let rpc = try FakeServer(loopbackFraming: .ndjson, replies: ["rpc.ping": .result("pong")])
        defer { rpc.stop() }
        var status = AdminPayloadTests.status
        status.listeners = [
            .init(endpoint: "http://127.0.0.1:0", role: "http", address: "127.0.0.1:1"),
            .init(endpoint: "tcp://127.0.0.1:0", role: "ndjson", address: rpc.address),
            .init(endpoint: "tcp://127.0.0.1:0", role: "ndjson", address: "127.0.0.1:2"),
        ]
        let (directory, admin) = try Self.adminServer(["status": .result(try status.jsonValue())])
        defer { admin.stop() }
        let result = try Self.admin(["call", "rpc.ping", "--socket", admin.address])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "\"pong\"\n")
        #expect(admin.receivedMethods == ["status"])
        #expect(rpc.receivedMethods == ["rpc.ping"])
        #expect(rpc.received.first?["params"] == nil)
        _ = directory
    }

    @Test("call without --url and without a running rpcd: exit 7")
    func callNotRunning() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-adm")
        let result = try Self.admin(["call", "rpc.ping", "--socket", directory.file("admin.sock")])
        #expect(result.exitCode == 7, "\(result)")
    }

    @Test("call answered with an error: exit 1, the error on stderr")
    func callError() throws {
        let rpc = try FakeServer(
            loopbackFraming: .ndjson,
            replies: ["divide": .error(code: -32000, message: "invalid operation: division by zero")]
        )
        defer { rpc.stop() }
        let result = try Self.admin(["call", "divide", "[1, 0]", "--url", "tcp://\(rpc.address)"])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("invalid operation: division by zero"))
        #expect(result.stderr.contains("-32000"))
    }

    @Test("call over HTTP")
    func callHTTP() throws {
        let rpc = try FakeServer(loopbackFraming: .http, replies: ["time": .result("2025-01-01T00:00:00Z")])
        defer { rpc.stop() }
        let result = try Self.admin(["call", "time", "--url", "http://\(rpc.address)"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "\"2025-01-01T00:00:00Z\"\n")
    }

    @Test("call to a port nobody listens on: exit 7")
    func callRefused() throws {
        let port = try BoundPort()
        let result = try Self.admin(["call", "rpc.ping", "--url", "tcp://127.0.0.1:\(port.port)"])
        #expect(result.exitCode == 7, "\(result)")
        #expect(result.stderr.contains("127.0.0.1:\(port.port)"))
    }
}
