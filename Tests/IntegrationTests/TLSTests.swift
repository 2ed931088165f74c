import Foundation
import Glibc
import TestSupport
import Testing

/// TLS and mutual TLS (DESIGN §11): `https://` and `tls://` listeners, `RPCD_TLS_*`, certificate
/// reload; certificates made by `openssl`, clients `curl` and `openssl s_client`.
@Suite(.serialized) struct TLSTests {
    private static let sum = JSONRPCMessages.request("sum", params: "[1,2]")
    private static let three = JSONRPCMessages.result("3")

    private static func start(
        _ certificates: TestCertificates,
        workers: Int,
        listen: String = "https://127.0.0.1:0,tls://127.0.0.1:0",
        environment: [String: String] = [:]
    ) throws -> (RPCDProcess, Listeners) {
        var environment = environment
        environment["RPCD_WORKERS"] = "\(workers)"
        environment["RPCD_TLS_CERT_FILE"] = certificates.path("server.pem")
        environment["RPCD_TLS_KEY_FILE"] = certificates.path("server.key")
        // s_client keeps reading after its input ends: the idle timeout ends its connection.
        environment["RPCD_IDLE_TIMEOUT"] = environment["RPCD_IDLE_TIMEOUT"] ?? "500ms"
        environment["RPCD_LOG_LEVEL"] = "debug"
        return try RPCDProcess.start(listen: listen, environment: environment)
    }

    /// `curl --json BODY https://127.0.0.1:PORT/` trusting the test CA, with `extra` options.
    private static func curl(
        _ certificates: TestCertificates,
        port: Int,
        _ body: String,
        _ extra: [String] = []
    ) throws -> CommandResult {
        try RunCommand(
            executable: "/usr/bin/curl",
            arguments: ["-sS", "--max-time", "5", "--cacert", certificates.path("ca.pem")] + extra + [
                "--json", body, "https://127.0.0.1:\(port)/",
            ]
        ).run()
    }

    /// One line to a `tls://` listener through `openssl s_client`; its answer lines.
    private static func tlsLine(_ certificates: TestCertificates, port: Int, _ line: String) throws -> [String] {
        let script =
            "printf '%s\\n' '\(line)' | openssl s_client -quiet -connect 127.0.0.1:\(port)"
            + " -CAfile '\(certificates.path("ca.pem"))' 2>/dev/null"
        let result = try RunCommand(executable: "/bin/sh", arguments: ["-c", script]).run()
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test(arguments: [0, 2]) func httpsAndTLSStreamsServe(workers: Int) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        let (daemon, listeners) = try Self.start(certificates, workers: workers)
        defer { daemon.kill() }
        #expect(listeners.with(role: "https").count == 1 && listeners.with(role: "tls").count == 1, "\(listeners)")

        let https = try Self.curl(certificates, port: listeners.first(role: "https").port, Self.sum)
        #expect(https.exitCode == 0 && https.stdout == Self.three, "\(https)")
        let lines = try Self.tlsLine(certificates, port: listeners.first(role: "tls").port, Self.sum)
        #expect(lines == [Self.three], "\(lines)")
        // The certificate is the one configured, and curl checked it against the CA.
        #expect(try certificates.servedSerial(port: listeners.first(role: "https").port) == "serial=1001")
    }

    @Test func plaintextAndTLS11AreRefusedAndTheServerKeepsServing() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        let (daemon, listeners) = try Self.start(certificates, workers: 0)
        defer { daemon.kill() }
        let port = try listeners.first(role: "https").port

        let plain = try HTTPClient(host: "127.0.0.1", port: port)
        #expect(throws: (any Error).self, "plaintext HTTP to an https listener gets no HTTP answer") {
            _ = try plain.post(Self.sum)
        }
        try daemon.waitForLog { $0.message == "TLS handshake failed, closing" }

        // The client side allows TLS 1.1 (security level 0); rpcd must refuse it.
        let old = try RunCommand(
            executable: "/usr/bin/openssl",
            arguments: ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]
        ).run()
        #expect(old.exitCode != 0, "\(old)")
        #expect(old.stderr.contains("alert protocol version") && old.stdout.contains("Cipher is (NONE)"), "\(old)")

        let after = try Self.curl(certificates, port: port, Self.sum)
        #expect(after.stdout == Self.three, "\(after)")
    }

    @Test func mutualTLSNeedsAClientCertificateFromTheCAAndNamesTheCredential() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        try certificates.issue("alice", commonName: "alice", by: "ca", serial: 0x2001)
        try certificates.issue("mallory", commonName: "mallory", by: "other-ca", serial: 0x2002)
        let methods = try ExecMethodTests.methodsDirectory([
            "whoami": #"printf '["%s", "%s"]' "$RPCD_CREDENTIAL" "$RPCD_TRANSPORT""#
        ])
        let (daemon, listeners) = try Self.start(
            certificates,
            workers: 1,
            environment: [
                "RPCD_TLS_CLIENT_CA_FILE": certificates.path("ca.pem"), "RPCD_METHODS_DIR": methods.path,
            ]
        )
        defer { daemon.kill() }
        let port = try listeners.first(role: "https").port
        let whoami = JSONRPCMessages.request("whoami")

        let anonymous = try Self.curl(certificates, port: port, whoami)
        #expect(anonymous.exitCode != 0 && anonymous.stdout.isEmpty, "\(anonymous)")
        let stranger = try Self.curl(
            certificates,
            port: port,
            whoami,
            ["--cert", certificates.path("mallory.pem"), "--key", certificates.path("mallory.key")]
        )
        #expect(stranger.exitCode != 0 && stranger.stdout.isEmpty, "\(stranger)")
        let alice = try Self.curl(
            certificates,
            port: port,
            whoami,
            ["--cert", certificates.path("alice.pem"), "--key", certificates.path("alice.key")]
        )
        #expect(alice.stdout == JSONRPCMessages.result(#"["alice","https"]"#), "\(alice)")

        // rpcd-admin presents the certificate too, over tls:// this time.
        let admin = try RunCommand(
            executable: try ProductsDirectory.rpcdAdmin(),
            arguments: [
                "call", "whoami", "--url", "tls://127.0.0.1:\(try listeners.first(role: "tls").port)",
                "--cacert", certificates.path("ca.pem"), "--cert", certificates.path("alice.pem"),
                "--key", certificates.path("alice.key"),
            ]
        ).run()
        #expect(admin.exitCode == 0 && admin.stdout == #"["alice","tls"]"# + "\n", "\(admin)")
    }

    @Test("a client certificate's CN gets the permissions of its users-file line NAME::PATTERNS")
    func clientCertificateNamesAUserLine() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        try certificates.issue("alice", commonName: "alice", by: "ca", serial: 0x2001)
        try certificates.issue("bob", commonName: "bob", by: "ca", serial: 0x2003)
        let users = try directory.write("users", "alice::sum\n")
        let (daemon, listeners) = try Self.start(
            certificates,
            workers: 0,
            environment: ["RPCD_TLS_CLIENT_CA_FILE": certificates.path("ca.pem"), "RPCD_AUTH_USERS_FILE": users]
        )
        defer { daemon.kill() }
        let port = try listeners.first(role: "https").port
        func call(_ name: String, _ body: String) throws -> String {
            try Self.curl(
                certificates,
                port: port,
                body,
                ["--cert", certificates.path("\(name).pem"), "--key", certificates.path("\(name).key")]
            ).stdout
        }
        #expect(try call("alice", Self.sum) == Self.three)
        let echo = try call("alice", JSONRPCMessages.request("echo", params: #"{"message":"hi"}"#))
        #expect(echo.contains(#""code":-32003"#) && echo.contains("alice may not call echo"), "\(echo)")
        let discover = try call("alice", JSONRPCMessages.request("rpc.discover"))
        #expect(discover.contains(#""name":"sum""#) && !discover.contains(#""name":"echo""#), "\(discover)")
        // A CN without a line is authenticated by the certificate, for every method.
        #expect(try call("bob", JSONRPCMessages.request("echo", params: #"{"message":"hi"}"#)).contains("hi"))
    }

    @Test func rpcdAdminCallsOverHTTPSAndChecksTheCertificate() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        let (daemon, listeners) = try Self.start(certificates, workers: 0)
        defer { daemon.kill() }
        let url = "https://127.0.0.1:\(try listeners.first(role: "https").port)"
        let admin = try ProductsDirectory.rpcdAdmin()

        let trusted = try RunCommand(
            executable: admin,
            arguments: ["call", "sum", "[1,2]", "--url", url, "--cacert", certificates.path("ca.pem")]
        ).run()
        #expect(trusted.exitCode == 0 && trusted.stdout == "3\n", "\(trusted)")
        // The server's CA is not the one given: the handshake fails, nothing is called.
        let untrusted = try RunCommand(
            executable: admin,
            arguments: ["call", "sum", "[1,2]", "--url", url, "--cacert", certificates.path("other-ca.pem")]
        ).run()
        #expect(untrusted.exitCode != 0 && untrusted.stdout.isEmpty, "\(untrusted)")
        #expect(untrusted.stderr.contains("TLS") || untrusted.stderr.contains("certificate"), "\(untrusted)")
    }

    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case singleProcess, workers
        var testDescription: String { self.rawValue }
    }

    @Test(arguments: Mode.allCases) func hupServesANewCertificateAndRefusesABrokenOne(_ mode: Mode) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        let (daemon, listeners) = try Self.start(
            certificates,
            workers: mode == .workers ? 2 : 0,
            listen: "https://127.0.0.1:0,tcp://127.0.0.1:0",
            environment: ["RPCD_IDLE_TIMEOUT": "30s", "RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let port = try listeners.first(role: "https").port
        // Clients that honour DESIGN §9 (reconnect, resend what was never answered) alongside.
        let tcp = try listeners.ndjson()
        let load = CallLoad(clients: [(.ndjson, tcp), (.ndjson, tcp)], policy: .retryUnanswered)
        load.start()
        defer { _ = load.stop() }
        try load.waitUntilEveryClient(answered: 10)
        // Single-process mode keeps a connection open across the reload (workers drain theirs).
        let open = mode == .singleProcess ? try OpenTLSConnection(certificates, port: port, directory) : nil
        defer { open?.close() }
        try open?.post(Self.sum, expecting: Self.three)

        // A new certificate, same CA, another serial: new connections get it.
        try certificates.issue("server", commonName: "localhost", by: "ca", serial: 0x1002, server: true)
        var mark = daemon.logLines.count
        #expect(daemon.signal(SIGHUP))
        try daemon.waitForLog(after: mark, timeout: .seconds(10)) {
            $0.message == "reloaded" || $0.message == "TLS certificate reloaded"
        }
        try Poll.until("the new certificate", timeout: .seconds(10)) {
            try certificates.servedSerial(port: port) == "serial=1002"
        }
        #expect(try Self.curl(certificates, port: port, Self.sum).stdout == Self.three)
        // The connection opened before the reload still works, on the certificate it began with.
        try open?.post(JSONRPCMessages.request("sum", params: "[2,3]"), expecting: JSONRPCMessages.result("5"))

        // A key that does not belong to the certificate: refused, the old pair keeps serving.
        try certificates.issue("stray", commonName: "localhost", by: "ca", serial: 0x1003, server: true)
        _ = try directory.write("server.key", try directory.read("stray.key"))
        mark = daemon.logLines.count
        #expect(daemon.signal(SIGHUP))
        let refused = try daemon.waitForLog(after: mark, timeout: .seconds(10)) {
            $0.message?.hasPrefix("reload refused") == true
        }
        #expect(refused.text.contains("RPCD_TLS_KEY_FILE"), "\(refused.text)")
        #expect(try certificates.servedSerial(port: port) == "serial=1002")
        #expect(try Self.curl(certificates, port: port, Self.sum).stdout == Self.three)
        let report = load.stop()
        #expect(report.failures.isEmpty && report.answered > 20, "\(report)")
    }

    @Test func adminReloadPrintsWhyABrokenCertificateIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        let (daemon, listeners) = try Self.start(certificates, workers: 1)
        defer { daemon.kill() }
        _ = try directory.write("server.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        let result = try daemon.admin.run(["reload"])
        #expect(result.exitCode != 0, "\(result)")
        #expect(result.stderr.contains("RPCD_TLS_CERT_FILE") && result.stderr.contains("server.pem"), "\(result)")
        #expect(try certificates.servedSerial(port: listeners.first(role: "https").port) == "serial=1001")
    }

    @Test func checkConfigRefusesUnusableTLSSettings() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        try certificates.issue("stray", commonName: "localhost", by: "ca", serial: 0x1003, server: true)
        let garbage = try directory.write("garbage.pem", "hello\n")
        let cases: [(String, [String: String], String)] = [
            ("no certificate", ["RPCD_LISTEN": "https://127.0.0.1:0"], "RPCD_TLS_CERT_FILE"),
            (
                "unreadable",
                [
                    "RPCD_LISTEN": "tls://127.0.0.1:0", "RPCD_TLS_CERT_FILE": directory.file("missing.pem"),
                    "RPCD_TLS_KEY_FILE": certificates.path("server.key"),
                ],
                "missing.pem"
            ),
            (
                "mismatched key",
                [
                    "RPCD_LISTEN": "https://127.0.0.1:0", "RPCD_TLS_CERT_FILE": certificates.path("server.pem"),
                    "RPCD_TLS_KEY_FILE": certificates.path("stray.key"),
                ],
                "does not match"
            ),
            (
                "malformed PEM",
                [
                    "RPCD_LISTEN": "https://127.0.0.1:0", "RPCD_TLS_CERT_FILE": garbage,
                    "RPCD_TLS_KEY_FILE": certificates.path("server.key"),
                ],
                "garbage.pem"
            ),
        ]
        for (what, environment, expected) in cases {
            let result = try RunCommand.rpcd(["--check-config"], environment: environment).run()
            #expect(result.exitCode == 2, "\(what): \(result)")
            #expect(result.stderr.contains(expected), "\(what): \(result)")
        }
    }

    @Test func aSocketActivatedHTTPSSocketServesTLS() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-tls")
        let certificates = try TestCertificates(directory)
        let port = try PortProbe.unusedPortBelowEphemeralRange()
        var variables = RPCDProcess.defaultEnvironment(directory: directory)
        variables["RPCD_WORKERS"] = "0"
        variables["RPCD_TLS_CERT_FILE"] = certificates.path("server.pem")
        variables["RPCD_TLS_KEY_FILE"] = certificates.path("server.key")
        variables["RPCD_ADMIN_SOCKET"] = directory.file("admin.sock")
        var arguments = ["--listen", "127.0.0.1:\(port)", "--fdname=https-public"]
        // systemd-socket-activate passes its child only the variables named with -E.
        for name in variables.keys.sorted() {
            arguments += ["-E", name]
        }
        arguments.append(try ProductsDirectory.rpcd())
        let daemon = try RPCDProcess(
            environment: variables,
            arguments: arguments,
            executable: "/usr/bin/systemd-socket-activate"
        )
        defer { daemon.kill() }
        try Poll.until("bind of port \(port) by systemd-socket-activate") {
            PortProbe.bindFailure(port: port) != nil
        }
        // The first connection starts rpcd, which then answers it over TLS.
        let first = try Self.curl(certificates, port: port, Self.sum, ["--max-time", "15"])
        #expect(first.stdout == Self.three, "\(first)")
        let listeners = try daemon.waitUntilReady()
        #expect(listeners.all.map(\.role) == ["https"], "\(listeners)")
    }
}
/// A keep-alive HTTPS connection held open by `openssl s_client`, fed through a FIFO.
private final class OpenTLSConnection {
    private let pid: Int32
    private let input: Int32
    private let output: String

    init(_ certificates: TestCertificates, port: Int, _ directory: TemporaryDirectory) throws {
        let fifo = directory.file("open.fifo")
        self.output = directory.file("open.out")
        try #require(mkfifo(fifo, 0o600) == 0)
        // Read-write, so that neither side's open waits for the other (Linux FIFO semantics).
        self.input = open(fifo, O_RDWR | O_CLOEXEC)
        try #require(self.input >= 0)
        let script =
            "openssl s_client -quiet -connect 127.0.0.1:\(port) -CAfile '\(certificates.path("ca.pem"))'"
            + " >'\(self.output)' 2>/dev/null <'\(fifo)' & echo $!"
        let started = try RunCommand(executable: "/bin/sh", arguments: ["-c", script]).run()
        self.pid = try #require(Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Sends one POST on the connection and waits for `expected` in its output.
    func post(_ body: String, expecting expected: String) throws {
        let request =
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let bytes = Array(request.utf8)
        try #require(write(self.input, bytes, bytes.count) == bytes.count)
        try Poll.until("'\(expected)' on the open connection") {
            let text = (try? String(contentsOfFile: self.output, encoding: .utf8)) ?? ""
            return text.contains(expected)
        }
    }

    func close() {
        Glibc.close(self.input)
        Glibc.kill(self.pid, SIGTERM)
    }
}
