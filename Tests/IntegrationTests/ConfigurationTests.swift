import Foundation
import TestSupport
import Testing

/// Configuration as an operator meets it: `--check-config`, precedence, bad values, `--version`.
@Suite struct ConfigurationTests {
    static let everyKey = [
        "RPCD_CONFIG", "RPCD_DAEMON", "RPCD_LISTEN", "RPCD_ADMIN_SOCKET", "RPCD_ADMIN_GROUP", "RPCD_WORKERS",
        "RPCD_THREADS", "RPCD_LOG_LEVEL", "RPCD_LOG_TARGET", "RPCD_LOG_FORMAT", "RPCD_PIDFILE",
        "RPCD_MAX_REQUEST_BYTES", "RPCD_MAX_BATCH", "RPCD_MAX_DEPTH", "RPCD_MAX_CONNECTIONS", "RPCD_IDLE_TIMEOUT",
        "RPCD_REQUEST_TIMEOUT", "RPCD_SHUTDOWN_TIMEOUT", "RPCD_WORKER_TIMEOUT", "RPCD_MAX_REQUESTS",
        "RPCD_AUTH_TOKEN_FILE", "RPCD_TEST_METHODS",
    ]

    @Test func checkConfigPrintsEveryKeyWithItsDefault() throws {
        let result = try RunCommand.rpcd(["--check-config"]).run()
        #expect(result.exitCode == 0, "\(result)")
        let report = CheckConfigReport(result.stdout)
        for key in Self.everyKey {
            #expect(report[key] != nil, "\(key) missing from:\n\(report)")
        }
        #expect(report.unparsedLines.isEmpty, "lines not KEY=VALUE  # source: \(report.unparsedLines)")
        #expect(report["RPCD_CONFIG"] == .init(value: "/dev/null", source: "env"))
        #expect(report["RPCD_LISTEN"] == .init(value: "tcp://127.0.0.1:7700,http://127.0.0.1:7701", source: "default"))
        #expect(report["RPCD_MAX_BATCH"] == .init(value: "1000", source: "default"))
        #expect(report["RPCD_MAX_DEPTH"] == .init(value: "64", source: "default"))
        #expect(report["RPCD_MAX_CONNECTIONS"] == .init(value: "4096", source: "default"))
        #expect(report["RPCD_LOG_LEVEL"] == .init(value: "info", source: "default"))
        #expect(report["RPCD_LOG_FORMAT"] == .init(value: "text", source: "default"))
        #expect(report["RPCD_THREADS"] == .init(value: "1", source: "default"))
        #expect(report["RPCD_TEST_METHODS"]?.source == "default")
        #expect(report["RPCD_MAX_REQUESTS"]?.source == "default")
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "rpcd.env",
            """
            # a comment, then a blank line

            RPCD_MAX_BATCH=10
            RPCD_MAX_DEPTH=20
              # an indented comment
            RPCD_MAX_CONNECTIONS=30
            RPCD_LOG_LEVEL="debug"
            RPCD_LOG_FORMAT='json'
            RPCD_PIDFILE=\(directory.file("from-file.pid"))

            """
        )
        let flagPidfile = directory.file("from-flag.pid")
        let result = try RunCommand.rpcd(
            ["--check-config", "--pidfile", flagPidfile],
            environment: [
                "RPCD_CONFIG": file,
                "RPCD_MAX_BATCH": "11",
                "RPCD_MAX_DEPTH": "21",
                "RPCD_PIDFILE": directory.file("from-env.pid"),
            ]
        ).run()
        #expect(result.exitCode == 0, "\(result)")
        let report = CheckConfigReport(result.stdout)
        #expect(report["RPCD_CONFIG"] == .init(value: file, source: "env"), "\(report)")
        #expect(report["RPCD_PIDFILE"] == .init(value: flagPidfile, source: "flag"), "\(report)")
        #expect(report["RPCD_MAX_BATCH"] == .init(value: "11", source: "env"), "\(report)")
        #expect(report["RPCD_MAX_DEPTH"] == .init(value: "21", source: "env"), "\(report)")
        #expect(report["RPCD_MAX_CONNECTIONS"] == .init(value: "30", source: "file \(file)"), "\(report)")
        #expect(report["RPCD_LOG_LEVEL"] == .init(value: "debug", source: "file \(file)"), "\(report)")
        #expect(report["RPCD_LOG_FORMAT"] == .init(value: "json", source: "file \(file)"), "\(report)")
        #expect(report["RPCD_MAX_REQUESTS"]?.source == "default", "\(report)")
        // --check-config writes nothing.
        #expect(!directory.exists("from-flag.pid"))
    }

    @Test func configFlagBeatsTheEnvironmentsConfigFile() throws {
        let directory = try TemporaryDirectory()
        let flagFile = try directory.write("flag.env", "RPCD_MAX_BATCH=7\n")
        let envFile = try directory.write("env.env", "RPCD_MAX_BATCH=8\nRPCD_MAX_DEPTH=9\n")
        let result = try RunCommand.rpcd(
            ["--check-config", "--config", flagFile],
            environment: ["RPCD_CONFIG": envFile]
        ).run()
        #expect(result.exitCode == 0, "\(result)")
        let report = CheckConfigReport(result.stdout)
        #expect(report["RPCD_CONFIG"] == .init(value: flagFile, source: "flag"), "\(report)")
        #expect(report["RPCD_MAX_BATCH"] == .init(value: "7", source: "file \(flagFile)"), "\(report)")
        #expect(report["RPCD_MAX_DEPTH"] == .init(value: "64", source: "default"), "\(report)")
    }

    @Test func checkConfigBindsNothing() throws {
        let (daemon, listeners) = try RPCDProcess.start(listen: "tcp://127.0.0.1:0")
        defer { daemon.kill() }
        let port = try listeners.first(role: "ndjson").port

        // The port is taken, but --check-config never binds it.
        let result = try RunCommand.rpcd(["--check-config"], environment: ["RPCD_LISTEN": "tcp://127.0.0.1:\(port)"])
            .run()
        #expect(result.exitCode == 0, "\(result)")
        #expect(
            CheckConfigReport(result.stdout)["RPCD_LISTEN"] == .init(value: "tcp://127.0.0.1:\(port)", source: "env")
        )
    }

    /// A key, a value it must refuse, and a readable label.
    struct BadValue: Sendable, CustomTestStringConvertible {
        let key: String
        let value: String
        var testDescription: String { "\(self.key)=\(self.value)" }
    }

    static let badValues: [BadValue] = [
        .init(key: "RPCD_WORKERS", value: "abc"),
        .init(key: "RPCD_WORKERS", value: "-1"),
        .init(key: "RPCD_THREADS", value: "two"),
        .init(key: "RPCD_MAX_REQUEST_BYTES", value: "5XB"),
        .init(key: "RPCD_MAX_REQUEST_BYTES", value: "lots"),
        .init(key: "RPCD_MAX_BATCH", value: "many"),
        .init(key: "RPCD_MAX_DEPTH", value: "1.5"),
        .init(key: "RPCD_MAX_CONNECTIONS", value: "unlimited"),
        .init(key: "RPCD_MAX_REQUESTS", value: "x1"),
        .init(key: "RPCD_IDLE_TIMEOUT", value: "10parsecs"),
        .init(key: "RPCD_REQUEST_TIMEOUT", value: "soon"),
        .init(key: "RPCD_SHUTDOWN_TIMEOUT", value: "-5s"),
        .init(key: "RPCD_WORKER_TIMEOUT", value: "5 minutes"),
        .init(key: "RPCD_LOG_LEVEL", value: "loud"),
        .init(key: "RPCD_LOG_FORMAT", value: "xml"),
        .init(key: "RPCD_LOG_TARGET", value: "carrier-pigeon"),
        .init(key: "RPCD_LISTEN", value: "ftp://127.0.0.1:1"),
        .init(key: "RPCD_LISTEN", value: "tcp://127.0.0.1:99999"),
        .init(key: "RPCD_LISTEN", value: "tcp://127.0.0.1:0?framing=bogus"),
        .init(key: "RPCD_TEST_METHODS", value: "maybe"),
        .init(key: "RPCD_DAEMON", value: "perhaps"),
    ]

    @Test("a bad value in the environment is exit 2 naming key and value", arguments: Self.badValues)
    func badValueInEnvironment(_ bad: BadValue) throws {
        let directory = try TemporaryDirectory()
        var environment = [
            "RPCD_ADMIN_SOCKET": directory.file("admin.sock"),
            "RPCD_WORKERS": "0",
            "RPCD_LISTEN": "tcp://127.0.0.1:0",
        ]
        environment[bad.key] = bad.value
        for arguments in [["--check-config"], []] {
            let result = try RunCommand.rpcd(arguments, environment: environment).run(timeout: .seconds(5))
            #expect(result.exitCode == 2, "\(arguments): \(result)")
            #expect(result.stderr.contains(bad.key), "\(arguments): \(result)")
            #expect(result.stderr.contains(bad.value), "\(arguments): \(result)")
        }
    }

    @Test("a bad value in the config file is exit 2 naming key and value", arguments: Self.badValues.prefix(6))
    func badValueInFile(_ bad: BadValue) throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rpcd.env", "\(bad.key)=\(bad.value)\n")
        let result = try RunCommand.rpcd(["--check-config", "--config", file]).run()
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains(bad.key), "\(result)")
        #expect(result.stderr.contains(bad.value), "\(result)")
    }

    /// Values in every accepted notation.
    static let goodValues: [BadValue] = [
        .init(key: "RPCD_IDLE_TIMEOUT", value: "250ms"),
        .init(key: "RPCD_IDLE_TIMEOUT", value: "30s"),
        .init(key: "RPCD_IDLE_TIMEOUT", value: "5m"),
        .init(key: "RPCD_IDLE_TIMEOUT", value: "12"),
        .init(key: "RPCD_MAX_REQUEST_BYTES", value: "512"),
        .init(key: "RPCD_MAX_REQUEST_BYTES", value: "64KiB"),
        .init(key: "RPCD_MAX_REQUEST_BYTES", value: "5MiB"),
        .init(
            key: "RPCD_LISTEN",
            value: "tcp://127.0.0.1:0,tcp://[::1]:0?framing=length,http://127.0.0.1:0,unix:/tmp/x.sock"
        ),
        .init(key: "RPCD_LOG_LEVEL", value: "trace"),
        .init(key: "RPCD_LOG_LEVEL", value: "critical"),
        .init(key: "RPCD_WORKERS", value: "0"),
    ]

    @Test("accepted notations", arguments: Self.goodValues)
    func goodValue(_ good: BadValue) throws {
        let result = try RunCommand.rpcd(["--check-config"], environment: [good.key: good.value]).run()
        #expect(result.exitCode == 0, "\(result)")
        #expect(CheckConfigReport(result.stdout)[good.key]?.source == "env", "\(result)")
    }

    @Test func missingConfigFlagFileIsExit2() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("missing.env")
        for arguments in [["--check-config", "--config", missing], ["--config", missing]] {
            let result = try RunCommand.rpcd(arguments, environment: ["RPCD_LISTEN": "tcp://127.0.0.1:0"]).run()
            #expect(result.exitCode == 2, "\(result)")
            #expect(result.stderr.contains(missing), "\(result)")
        }
    }

    @Test func missingConfigFileFromTheEnvironmentIsExit2() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("missing.env")
        let result = try RunCommand.rpcd(["--check-config"], environment: ["RPCD_CONFIG": missing]).run()
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.contains(missing), "\(result)")
    }

    @Test func unknownOptionIsExit2() throws {
        let result = try RunCommand.rpcd(["--no-such-option"]).run()
        #expect(result.exitCode == 2, "\(result)")
    }

    @Test func versionPrintsTheVersion() throws {
        let result = try RunCommand.rpcd(["--version"]).run()
        #expect(result.exitCode == 0, "\(result)")
        let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.contains(/\d+\.\d+\.\d+/), "\(result)")
    }
}
