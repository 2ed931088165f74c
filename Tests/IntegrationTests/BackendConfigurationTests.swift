import Foundation
import TestSupport
import Testing

/// Backend declarations (DESIGN §10.2) as `rpcd --check-config` reads them: a `NAME.env` file in
/// `RPCD_BACKENDS_DIR`, overridden key by key by `RPCD_BACKEND_<NAME>_<KEY>` in the environment.
@Suite struct BackendConfigurationTests {
    /// A backends directory with `greet.env`, and a program `greet-backend` in a directory put first on `PATH`.
    struct Setup {
        let directory: TemporaryDirectory
        let backends: String
        let program: String
        let file: String

        init(greet contents: String) throws {
            self.directory = try TemporaryDirectory(prefix: "rpcd-bk")
            try FileManager.default.createDirectory(
                atPath: self.directory.file("bin"),
                withIntermediateDirectories: false
            )
            try FileManager.default.createDirectory(
                atPath: self.directory.file("backends.d"),
                withIntermediateDirectories: false
            )
            self.program = try self.directory.write("bin/greet-backend", "#!/bin/sh\nexec cat\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: self.program)
            self.backends = self.directory.file("backends.d")
            self.file = try self.directory.write("backends.d/greet.env", contents)
        }

        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            var environment = [
                "PATH": "\(self.directory.file("bin")):/usr/bin:/bin",
                "RPCD_BACKENDS_DIR": self.backends,
                "RPCD_ADMIN_SOCKET": self.directory.file("admin.sock"),
                "RPCD_WORKERS": "0",
                "RPCD_LISTEN": "tcp://127.0.0.1:0",
            ]
            environment.merge(extra) { _, given in given }
            return environment
        }
    }

    @Test func checkConfigListsABackendFromItsFileWithEnvironmentOverrides() throws {
        let setup = try Setup(
            greet: """
                # the greeting backend
                COMMAND=greet-backend --mode "fast lane"
                INSTANCES=2
                METHODS=greet, greet.*
                ENV_LANG=C.UTF-8
                DIRECTORY=/tmp

                """
        )
        let result = try RunCommand.rpcd(
            ["--check-config"],
            environment: setup.environment(["RPCD_BACKEND_GREET_INSTANCES": "3", "RPCD_REQUEST_TIMEOUT": "4s"])
        ).run()
        #expect(result.exitCode == 0, "\(result)")
        #expect(!result.stderr.contains("warning"), "\(result)")
        let report = CheckConfigReport(result.stdout)
        #expect(report.unparsedLines.isEmpty, "\(report.unparsedLines)")
        let file = "file \(setup.file)"
        #expect(report["RPCD_BACKENDS_DIR"] == .init(value: setup.backends, source: "env"))
        #expect(
            report["RPCD_BACKEND_GREET_COMMAND"]
                == .init(value: "\"\(setup.program) --mode 'fast lane'\"", source: file)
        )
        #expect(report["RPCD_BACKEND_GREET_INSTANCES"] == .init(value: "3", source: "env"))
        #expect(report["RPCD_BACKEND_GREET_METHODS"] == .init(value: "greet,greet.*", source: file))
        #expect(report["RPCD_BACKEND_GREET_ENV_LANG"] == .init(value: "C.UTF-8", source: file))
        #expect(report["RPCD_BACKEND_GREET_CONCURRENCY"] == .init(value: "1", source: "default"))
        #expect(report["RPCD_BACKEND_GREET_TIMEOUT"] == .init(value: "4s", source: "default"))
        #expect(report["RPCD_BACKEND_GREET_START_TIMEOUT"] == .init(value: "10s", source: "default"))
        #expect(report["RPCD_BACKEND_GREET_DIRECTORY"] == .init(value: "/tmp", source: file))

        // The backends come last, RPCD_BACKENDS_DIR first among them, each key once.
        let names = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
        let start = try #require(names.firstIndex(of: "RPCD_BACKENDS_DIR"))
        #expect(names[(start + 1)...].allSatisfy { $0.hasPrefix("RPCD_BACKEND_GREET_") }, "\(names)")
        #expect(names.count - start - 1 == 13, "\(names)")
    }

    @Test func aBadBackendValueIsExit2NamingKeyValueAndOrigin() throws {
        let setup = try Setup(greet: "COMMAND=greet-backend\nQUEUE=lots\n")
        for arguments in [["--check-config"], []] {
            let fromFile = try RunCommand.rpcd(arguments, environment: setup.environment()).run(timeout: .seconds(5))
            #expect(fromFile.exitCode == 2, "\(arguments): \(fromFile)")
            #expect(
                fromFile.stderr.contains(
                    "RPCD_BACKEND_GREET_QUEUE='lots': expected a whole number from 0 to 1000000 "
                        + "(from \(setup.file) line 2)"
                ),
                "\(arguments): \(fromFile)"
            )
        }

        let fromEnvironment = try RunCommand.rpcd(
            ["--check-config"],
            environment: setup.environment([
                "RPCD_BACKEND_GREET_QUEUE": "8", "RPCD_BACKEND_GREET_COMMAND": "nowhere-to-be-found",
            ])
        ).run()
        #expect(fromEnvironment.exitCode == 2, "\(fromEnvironment)")
        #expect(
            fromEnvironment.stderr.contains(
                "RPCD_BACKEND_GREET_COMMAND='nowhere-to-be-found': no executable nowhere-to-be-found in PATH "
                    + "\(setup.directory.file("bin")):/usr/bin:/bin (expected an absolute path or a program in PATH) "
                    + "(from the environment)"
            ),
            "\(fromEnvironment)"
        )
    }

    @Test func theProgramMustBeExecutableAndTheDirectoryMustExist() throws {
        let setup = try Setup(greet: "COMMAND=greet-backend\n")
        let plain = try setup.directory.write("bin/plain-file", "not a program\n")
        let cases = [
            ("RPCD_BACKEND_GREET_COMMAND", plain, "\(plain) is not an executable file (expected a program)"),
            ("RPCD_BACKEND_GREET_COMMAND", "plain-file", "no executable plain-file in PATH"),
            ("RPCD_BACKEND_GREET_COMMAND", setup.backends, "\(setup.backends) is not an executable file"),
            ("RPCD_BACKEND_GREET_DIRECTORY", setup.program, "no directory \(setup.program)"),
        ]
        for (key, value, expected) in cases {
            let result = try RunCommand.rpcd(["--check-config"], environment: setup.environment([key: value])).run()
            #expect(result.exitCode == 2, "\(key)=\(value): \(result)")
            #expect(result.stderr.contains("\(key)='\(value)': \(expected)"), "\(key)=\(value): \(result)")
        }
    }

    @Test func aNamedBackendsDirectoryThatCannotBeListedIsExit2() throws {
        let setup = try Setup(greet: "COMMAND=greet-backend\n")
        let missing = setup.directory.file("absent.d")
        let result = try RunCommand.rpcd(
            ["--check-config"],
            environment: setup.environment(["RPCD_BACKENDS_DIR": missing])
        )
        .run()
        #expect(result.exitCode == 2, "\(result)")
        #expect(
            result.stderr.contains(
                "RPCD_BACKENDS_DIR='\(missing)': cannot list the directory \(missing): No such file or directory "
                    + "(from the environment)"
            ),
            "\(result)"
        )
    }

    @Test func adminConfigListsTheBackendKeys() throws {
        let setup = try Setup(greet: "COMMAND=greet-backend --quiet\nMETHODS=greet\n")
        // A program that stays up and never answers: nothing calls it here.
        try "#!/bin/sh\nexec sleep 600\n".write(toFile: setup.program, atomically: false, encoding: .utf8)
        var environment = setup.environment([
            "RPCD_BACKEND_GREET_INSTANCES": "2", "RPCD_BACKEND_GREET_ENV_DB_PASSWORD": "hunter2",
        ])
        environment["RPCD_ADMIN_SOCKET"] = nil
        environment["RPCD_WORKERS"] = nil
        let (daemon, _) = try RPCDProcess.startMaster(workers: 1, listen: "tcp://127.0.0.1:0", environment: environment)
        defer { daemon.kill() }

        let entries = try daemon.admin.json([String: AdminConfigEntry].self, ["config"])
        #expect(
            entries["RPCD_BACKENDS_DIR"] == AdminConfigEntry(value: setup.backends, source: "env", reload: "rolling")
        )
        #expect(
            entries["RPCD_BACKEND_GREET_COMMAND"]
                == AdminConfigEntry(value: "\(setup.program) --quiet", source: "file \(setup.file)", reload: "rolling")
        )
        #expect(
            entries["RPCD_BACKEND_GREET_INSTANCES"] == AdminConfigEntry(value: "2", source: "env", reload: "rolling")
        )
        #expect(
            entries["RPCD_BACKEND_GREET_QUEUE"] == AdminConfigEntry(value: "64", source: "default", reload: "rolling")
        )
        #expect(
            entries["RPCD_BACKEND_GREET_ENV_DB_PASSWORD"]
                == AdminConfigEntry(value: "<redacted>", source: "env", reload: "rolling")
        )
        #expect(entries.keys.filter { $0.hasPrefix("RPCD_BACKEND_GREET_") }.count == 13, "\(entries.keys.sorted())")
    }

    @Test func aKeyForAnUndeclaredBackendIsAWarning() throws {
        let setup = try Setup(greet: "COMMAND=greet-backend\n")
        let result = try RunCommand.rpcd(
            ["--check-config"],
            environment: setup.environment(["RPCD_BACKEND_FOO_INSTANCES": "2"])
        ).run()
        #expect(result.exitCode == 0, "\(result)")
        #expect(
            result.stderr.contains(
                "rpcd: warning: RPCD_BACKEND_FOO_INSTANCES in the environment: no backend foo is declared "
                    + "(it needs RPCD_BACKEND_FOO_COMMAND or \(setup.backends)/foo.env)"
            ),
            "\(result)"
        )
        #expect(!result.stderr.contains("unknown setting"), "\(result)")
    }
}
