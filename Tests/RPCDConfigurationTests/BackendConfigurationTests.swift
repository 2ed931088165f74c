import RPCDConfiguration
import TestSupport
import Testing

/// Loads with the test host; `directory` is `RPCD_BACKENDS_DIR` when given.
private func load(
    _ environment: [String: String] = [:],
    directory: TemporaryDirectory? = nil,
    configFile: String? = nil,
    host: ConfigurationLoader.Host = testHost()
) throws(ConfigurationError) -> LoadedConfiguration {
    var environment = environment
    if let directory, environment["RPCD_BACKENDS_DIR"] == nil {
        environment["RPCD_BACKENDS_DIR"] = directory.path
    }
    if let configFile {
        environment["RPCD_CONFIG"] = configFile
    }
    return try ConfigurationLoader.load(flags: [:], environment: environment, currentDirectory: "/srv", host: host)
}

/// The message of the `ConfigurationError` that `body` throws, or nil.
private func message(_ body: () throws(ConfigurationError) -> LoadedConfiguration) -> String? {
    do throws(ConfigurationError) {
        _ = try body()
        return nil
    } catch {
        return error.message
    }
}

@Suite("Backend declarations and keys (DESIGN §10.2)")
struct BackendConfigurationTests {
    @Test("defaults: one instance, one call in flight, TIMEOUT = RPCD_REQUEST_TIMEOUT, the rest per DESIGN")
    func defaults() throws {
        let loaded = try load(["RPCD_BACKEND_GREET_COMMAND": "app", "RPCD_REQUEST_TIMEOUT": "7s"])
        let backend = try #require(loaded.configuration.backends.first)
        #expect(backend.name == "greet")
        #expect(backend.command == ["/usr/local/bin/app"])
        #expect(backend.instances == 1)
        #expect(backend.concurrency == 1)
        #expect(backend.methods == nil)
        #expect(backend.timeout == .seconds(7))
        #expect(backend.startTimeout == .seconds(10))
        #expect(backend.queue == 64)
        #expect(backend.maxCalls == 0)
        #expect(backend.maxRSSBytes == 0)
        #expect(backend.stopTimeout == .seconds(5))
        #expect(backend.directory == "/")
        #expect(backend.passEnvironment.isEmpty)
        #expect(backend.environment.isEmpty)
        #expect(loaded.configuration.backends.count == 1)
        #expect(loaded.configuration.backendsDirectory == nil)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("the check-config report lists RPCD_BACKENDS_DIR, then every key of each backend with its source")
    func checkConfigLines() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bc")
        let file = try directory.write(
            "greet.env",
            "# the greeter\nCOMMAND=python3 -m greet \"--name=a b\"\nINSTANCES=2\nENV_LANG=C.UTF-8\n"
        )
        let loaded = try load(
            ["RPCD_BACKEND_GREET_QUEUE": "5", "RPCD_BACKEND_ZED_COMMAND": "/opt/app/bin/serve"],
            directory: directory
        )
        let report = loaded.checkConfigReport()
        let backendLines = report.split(separator: "\n").drop { !$0.hasPrefix("RPCD_BACKENDS_DIR=") }
        #expect(
            Array(backendLines) == [
                "RPCD_BACKENDS_DIR=\(directory.path)  # env",
                #"RPCD_BACKEND_GREET_COMMAND="/usr/bin/python3 -m greet '--name=a b'"  # file \#(file)"#,
                "RPCD_BACKEND_GREET_INSTANCES=2  # file \(file)",
                "RPCD_BACKEND_GREET_CONCURRENCY=1  # default",
                "RPCD_BACKEND_GREET_METHODS=  # default",
                "RPCD_BACKEND_GREET_TIMEOUT=30s  # default",
                "RPCD_BACKEND_GREET_START_TIMEOUT=10s  # default",
                "RPCD_BACKEND_GREET_QUEUE=5  # env",
                "RPCD_BACKEND_GREET_MAX_CALLS=0  # default",
                "RPCD_BACKEND_GREET_MAX_RSS=0  # default",
                "RPCD_BACKEND_GREET_STOP_TIMEOUT=5s  # default",
                "RPCD_BACKEND_GREET_DIRECTORY=/  # default",
                "RPCD_BACKEND_GREET_PASS_ENV=  # default",
                "RPCD_BACKEND_GREET_ENV_LANG=C.UTF-8  # file \(file)",
                "RPCD_BACKEND_ZED_COMMAND=/opt/app/bin/serve  # env",
                "RPCD_BACKEND_ZED_INSTANCES=1  # default",
                "RPCD_BACKEND_ZED_CONCURRENCY=1  # default",
                "RPCD_BACKEND_ZED_METHODS=  # default",
                "RPCD_BACKEND_ZED_TIMEOUT=30s  # default",
                "RPCD_BACKEND_ZED_START_TIMEOUT=10s  # default",
                "RPCD_BACKEND_ZED_QUEUE=64  # default",
                "RPCD_BACKEND_ZED_MAX_CALLS=0  # default",
                "RPCD_BACKEND_ZED_MAX_RSS=0  # default",
                "RPCD_BACKEND_ZED_STOP_TIMEOUT=5s  # default",
                "RPCD_BACKEND_ZED_DIRECTORY=/  # default",
                "RPCD_BACKEND_ZED_PASS_ENV=  # default",
            ]
        )
        #expect(loaded.entries.filter { $0.name.hasPrefix("RPCD_BACKEND_") }.allSatisfy { $0.reload == .rolling })
        #expect(loaded.configuration.backends.map(\.name) == ["greet", "zed"])
        #expect(loaded.configuration.backends[0].command == ["/usr/bin/python3", "-m", "greet", "--name=a b"])
        #expect(loaded.configuration.backends[0].environment == ["LANG": "C.UTF-8"])
    }

    @Test("the environment beats the main config file, which beats the backend's own file, key by key")
    func layering() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bc")
        let backendFile = try directory.write(
            "greet.env",
            "COMMAND=app\nINSTANCES=2\nCONCURRENCY=3\nQUEUE=4\nMAX_CALLS=5\n"
        )
        let configDirectory = try TemporaryDirectory(prefix: "rpcd-bc")
        let mainFile = try configDirectory.write(
            "rpcd.env",
            "RPCD_BACKEND_GREET_CONCURRENCY=30\nRPCD_BACKEND_GREET_QUEUE=40\n"
        )
        let loaded = try load(
            ["RPCD_BACKEND_GREET_QUEUE": "400", "RPCD_BACKEND_GREET_MAX_CALLS": "500"],
            directory: directory,
            configFile: mainFile
        )
        let backend = try #require(loaded.configuration.backends.first)
        #expect(backend.instances == 2)
        #expect(backend.concurrency == 30)
        #expect(backend.queue == 400)
        #expect(backend.maxCalls == 500)
        let sources = Dictionary(uniqueKeysWithValues: loaded.entries.map { ($0.name, $0.source) })
        #expect(sources["RPCD_BACKEND_GREET_COMMAND"] == .file(backendFile))
        #expect(sources["RPCD_BACKEND_GREET_INSTANCES"] == .file(backendFile))
        #expect(sources["RPCD_BACKEND_GREET_CONCURRENCY"] == .file(mainFile))
        #expect(sources["RPCD_BACKEND_GREET_QUEUE"] == .environment)
        #expect(sources["RPCD_BACKEND_GREET_MAX_CALLS"] == .environment)
        #expect(sources["RPCD_BACKEND_GREET_TIMEOUT"] == .default)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test("names come from the COMMAND keys and files; every other key goes to the longest name it starts with")
    func nameKeySplit() throws {
        let loaded = try load([
            "RPCD_BACKEND_MY_APP_COMMAND": "app",
            "RPCD_BACKEND_MY_COMMAND": "app",
            "RPCD_BACKEND_MY_APP_START_TIMEOUT": "3s",
            "RPCD_BACKEND_MY_APP_ENV_MAX_CALLS": "x",
            "RPCD_BACKEND_MY_START_TIMEOUT": "4s",
            "RPCD_BACKEND_MY_ENV_APP_MODE": "y",
        ])
        let backends = Dictionary(uniqueKeysWithValues: loaded.configuration.backends.map { ($0.name, $0) })
        #expect(backends.keys.sorted() == ["my", "my_app"])
        #expect(backends["my_app"]?.startTimeout == .seconds(3))
        #expect(backends["my_app"]?.environment == ["MAX_CALLS": "x"])
        #expect(backends["my_app"]?.maxCalls == 0)
        #expect(backends["my"]?.startTimeout == .seconds(4))
        #expect(backends["my"]?.environment == ["APP_MODE": "y"])
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test("a bare program is found in the environment's PATH, in order, skipping relative entries")
    func pathLookup() throws {
        let host = testHost(executables: ["/opt/b/tool", "/opt/c/tool", "/usr/bin/tool", "/srv/rel/tool"])
        func program(_ environment: [String: String]) throws -> String? {
            var environment = environment
            environment["RPCD_BACKEND_T_COMMAND"] = "tool --flag"
            return try load(environment, host: host).configuration.backends.first?.command.first
        }
        #expect(try program(["PATH": "/opt/a:/opt/b:/opt/c"]) == "/opt/b/tool")
        #expect(try program(["PATH": "rel:/opt/c/"]) == "/opt/c/tool")
        #expect(try program([:]) == "/usr/bin/tool")
        #expect(try program(["PATH": ""]) == "/usr/bin/tool")
        #expect(
            message { () throws(ConfigurationError) in
                try load(["PATH": "/opt/a:rel", "RPCD_BACKEND_T_COMMAND": "tool"], host: host)
            }
                == "RPCD_BACKEND_T_COMMAND='tool': no executable tool in PATH /opt/a:rel "
                + "(expected an absolute path or a program in PATH) (from the environment)"
        )
        let absolute = try load(["RPCD_BACKEND_T_COMMAND": "/opt//c/./tool"], host: host)
        #expect(absolute.configuration.backends.first?.command == ["/opt/c/tool"])
    }

    @Test(
        "every bad value names the full key, the value, where it came from and what was expected",
        arguments: [
            ("COMMAND", "app 'x", "the ' at character 5 is never closed (expected words like a shell's)"),
            ("COMMAND", "bin/app", "the program 'bin/app' is neither an absolute path nor a bare name to find in PATH"),
            ("COMMAND", "/etc/passwd", "/etc/passwd is not an executable file (expected a program)"),
            ("COMMAND", "  ", "expected a program and its arguments, like: python3 -m app --port 0"),
            ("INSTANCES", "0", "expected a whole number from 1 to 256"),
            ("CONCURRENCY", "4097", "expected a whole number from 1 to 4096"),
            ("QUEUE", "-1", "expected a whole number from 0 to 1000000"),
            ("MAX_CALLS", "lots", "expected a whole number from 0 to 1000000000"),
            (
                "MAX_RSS", "1GB",
                "expected a size from 0 to 1024GiB: plain bytes or a binary suffix, like 512, 64KiB or 5MiB "
                    + "(KiB, MiB, GiB; not KB or MB)"
            ),
            ("TIMEOUT", "soon", "expected a duration from 1ms to 24h, like 250ms, 30s, 5m or plain seconds"),
            ("START_TIMEOUT", "0", "expected a duration from 1ms to 24h, like 250ms, 30s, 5m or plain seconds"),
            ("STOP_TIMEOUT", "-1s", "expected a duration from 0s to 24h, like 250ms, 30s, 5m or plain seconds"),
            ("DIRECTORY", "srv", "expected the absolute path of an existing directory"),
            (
                "DIRECTORY", "/nonexistent/dir",
                "no directory /nonexistent/dir (expected the absolute path of an existing directory)"
            ),
            ("PASS_ENV", "HOME,A=B", "'A=B' is not a variable name (expected NAME[,NAME...], NAME of A-Z a-z 0-9 _)"),
            (
                "METHODS", "greet,bad name",
                "'bad name' is not a method name or pattern (expected NAME or PREFIX.* separated by commas, "
                    + "NAME of A-Z a-z 0-9 _ . - not starting with . or -)"
            ),
            (
                "METHODS", "*",
                "'*' is not a method name or pattern (expected NAME or PREFIX.* separated by commas, "
                    + "NAME of A-Z a-z 0-9 _ . - not starting with . or -)"
            ),
            ("METHODS", "rpc.*", "'rpc.*': names beginning with rpc. are reserved by JSON-RPC"),
            ("METHODS", "a,b,a", "'a' is listed twice"),
        ]
    )
    func badValues(_ key: String, _ value: String, _ explanation: String) throws {
        var environment = ["RPCD_BACKEND_GREET_COMMAND": "app"]
        environment["RPCD_BACKEND_GREET_\(key)"] = value
        #expect(
            message { () throws(ConfigurationError) in try load(environment) }
                == "RPCD_BACKEND_GREET_\(key)='\(value)': \(explanation) (from the environment)"
        )

        // The same value in the backend's own file names its line.
        let directory = try TemporaryDirectory(prefix: "rpcd-bc")
        // Unquoted unless blanks would be trimmed: quotes in the value then reach the word splitter.
        let assignment = value.hasPrefix(" ") ? "\(key)='\(value)'" : "\(key)=\(value)"
        let file = try directory.write("greet.env", (key == "COMMAND" ? "\n\n" : "COMMAND=app\n\n") + assignment + "\n")
        #expect(
            message { () throws(ConfigurationError) in try load(directory: directory) }
                == "RPCD_BACKEND_GREET_\(key)='\(value)': \(explanation) (from \(file) line 3)"
        )
    }

    @Test("good values of every key")
    func goodValues() throws {
        let backend = try #require(
            try load([
                "RPCD_BACKEND_GREET_COMMAND": #"/opt/app/bin/serve --greeting "hello world""#,
                "RPCD_BACKEND_GREET_INSTANCES": "256", "RPCD_BACKEND_GREET_CONCURRENCY": "8",
                "RPCD_BACKEND_GREET_METHODS": " greet , math.* ,a-b_c.d ", "RPCD_BACKEND_GREET_TIMEOUT": "2.5s",
                "RPCD_BACKEND_GREET_START_TIMEOUT": "250ms", "RPCD_BACKEND_GREET_QUEUE": "0",
                "RPCD_BACKEND_GREET_MAX_CALLS": "1000", "RPCD_BACKEND_GREET_MAX_RSS": "512MiB",
                "RPCD_BACKEND_GREET_STOP_TIMEOUT": "0", "RPCD_BACKEND_GREET_DIRECTORY": "/tmp/",
                "RPCD_BACKEND_GREET_PASS_ENV": "HOME, TZ", "RPCD_BACKEND_GREET_ENV_MODE": "fast",
                "RPCD_BACKEND_GREET_ENV_Mixed_Case": "",
            ]).configuration.backends.first
        )
        #expect(backend.command == ["/opt/app/bin/serve", "--greeting", "hello world"])
        #expect(backend.instances == 256)
        #expect(backend.concurrency == 8)
        #expect(backend.methods == ["greet", "math.*", "a-b_c.d"])
        #expect(backend.timeout == .milliseconds(2500))
        #expect(backend.startTimeout == .milliseconds(250))
        #expect(backend.queue == 0)
        #expect(backend.maxCalls == 1000)
        #expect(backend.maxRSSBytes == 512 << 20)
        #expect(backend.stopTimeout == .zero)
        #expect(backend.directory == "/tmp")
        #expect(backend.passEnvironment == ["HOME", "TZ"])
        #expect(backend.environment == ["MODE": "fast", "Mixed_Case": ""])
    }

    @Test("secret-looking ENV_ values are redacted in the report, and kept in the configuration")
    func secrets() throws {
        let loaded = try load([
            "RPCD_BACKEND_DB_COMMAND": "app", "RPCD_BACKEND_DB_ENV_DB_PASSWORD": "hunter2",
            "RPCD_BACKEND_DB_ENV_API_KEY": "k", "RPCD_BACKEND_DB_ENV_Auth_Token": "t", "RPCD_BACKEND_DB_ENV_MODE": "m",
        ])
        let report = loaded.checkConfigReport()
        #expect(report.contains("RPCD_BACKEND_DB_ENV_API_KEY=<redacted>  # env\n"))
        #expect(report.contains("RPCD_BACKEND_DB_ENV_Auth_Token=<redacted>  # env\n"))
        #expect(report.contains("RPCD_BACKEND_DB_ENV_DB_PASSWORD=<redacted>  # env\n"))
        #expect(report.contains("RPCD_BACKEND_DB_ENV_MODE=m  # env\n"))
        #expect(!report.contains("hunter2"))
        #expect(
            loaded.configuration.backends.first?.environment
                == ["DB_PASSWORD": "hunter2", "API_KEY": "k", "Auth_Token": "t", "MODE": "m"]
        )
        #expect(loaded.entries.filter(\.key.isSecret).map(\.value).sorted() == ["hunter2", "k", "t"])
    }

    @Test("an empty METHODS asks rpc.discover, as an absent one does")
    func emptyMethods() throws {
        let loaded = try load(["RPCD_BACKEND_GREET_COMMAND": "app", "RPCD_BACKEND_GREET_METHODS": ""])
        #expect(loaded.configuration.backends.first?.methods == nil)
    }

    @Test("a backend file without COMMAND is an error naming the key and the file")
    func missingCommand() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bc")
        let file = try directory.write("greet.env", "INSTANCES=2\n")
        #expect(
            message { () throws(ConfigurationError) in try load(directory: directory) }
                == "RPCD_BACKEND_GREET_COMMAND is not set: backend greet needs a command (\(file) declares it)"
        )
        // The environment may supply it.
        let loaded = try load(["RPCD_BACKEND_GREET_COMMAND": "app"], directory: directory)
        #expect(loaded.configuration.backends.first?.instances == 2)
    }
}
