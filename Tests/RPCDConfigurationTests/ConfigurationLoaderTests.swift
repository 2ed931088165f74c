import Logging
import RPCDAdmin
import RPCDConfiguration
import TestSupport
import Testing

private func load(
    flags: [String: String] = [:],
    environment: [String: String] = [:],
    currentDirectory: String = "/srv/app",
    host: ConfigurationLoader.Host = testHost()
) throws(ConfigurationError) -> LoadedConfiguration {
    try ConfigurationLoader.load(flags: flags, environment: environment, currentDirectory: currentDirectory, host: host)
}

@Suite("Configuration loading")
struct ConfigurationLoaderTests {
    @Test("defaults")
    func defaults() throws {
        let loaded = try load(environment: ["HOME": "/root", "PATH": "/usr/bin", "XDG_RUNTIME_DIR": "/run/user/1000"])
        let configuration = loaded.configuration
        #expect(configuration.configFile == nil)
        #expect(configuration.daemon == false)
        #expect(configuration.listen.map(\.description) == ["tcp://127.0.0.1:7700", "http://127.0.0.1:7701"])
        #expect(configuration.adminSocket == "/run/user/1000/rpcd/admin.sock")
        #expect(configuration.adminGroup == nil)
        #expect(configuration.workers == 4)
        #expect(configuration.threads == 1)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logTarget == .auto)
        #expect(configuration.logFormat == .text)
        #expect(configuration.pidfile == nil)
        #expect(configuration.maxRequestBytes == 5 * 1024 * 1024)
        #expect(configuration.maxBatch == 1000)
        #expect(configuration.maxDepth == 64)
        #expect(configuration.maxConnections == 4096)
        #expect(configuration.idleTimeout == .seconds(300))
        #expect(configuration.requestTimeout == .seconds(30))
        #expect(configuration.shutdownTimeout == .seconds(30))
        #expect(configuration.workerTimeout == .seconds(30))
        #expect(configuration.maxRequests == 0)
        #expect(configuration.authTokenFile == nil)
        #expect(configuration.allowUnauthenticated == false)
        #expect(configuration.httpAllowedHosts == ["localhost", "127.0.0.1", "[::1]"])
        #expect(configuration.httpAllowedOrigins == [])
        #expect(configuration.testMethods == false)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.entries.allSatisfy { $0.source == .default })
        #expect(loaded.entries.map(\.key.setting) == ConfigurationKey.allCases)
    }

    @Test("the check-config report of the defaults")
    func defaultReport() throws {
        let report = try load(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"]).checkConfigReport()
        #expect(
            report == """
                RPCD_CONFIG=  # default
                RPCD_DAEMON=0  # default
                RPCD_LISTEN=tcp://127.0.0.1:7700,http://127.0.0.1:7701  # default
                RPCD_ADMIN_SOCKET=/run/user/1000/rpcd/admin.sock  # default
                RPCD_ADMIN_GROUP=  # default
                RPCD_WORKERS=4  # default
                RPCD_THREADS=1  # default
                RPCD_LOG_LEVEL=info  # default
                RPCD_LOG_TARGET=auto  # default
                RPCD_LOG_FORMAT=text  # default
                RPCD_ACCESS_LOG=off  # default
                RPCD_PIDFILE=  # default
                RPCD_MAX_REQUEST_BYTES=5MiB  # default
                RPCD_MAX_BATCH=1000  # default
                RPCD_MAX_DEPTH=64  # default
                RPCD_MAX_CONNECTIONS=4096  # default
                RPCD_IDLE_TIMEOUT=300s  # default
                RPCD_REQUEST_TIMEOUT=30s  # default
                RPCD_SHUTDOWN_TIMEOUT=30s  # default
                RPCD_STOP_GRACE=0s  # default
                RPCD_WORKER_TIMEOUT=30s  # default
                RPCD_MAX_REQUESTS=0  # default
                RPCD_AUTH_TOKEN_FILE=  # default
                RPCD_AUTH_USERS_FILE=  # default
                RPCD_RATE_LIMIT=0  # default
                RPCD_ALLOW_UNAUTHENTICATED=0  # default
                RPCD_HTTP_ALLOWED_HOSTS=localhost,127.0.0.1,[::1]  # default
                RPCD_HTTP_ALLOWED_ORIGINS=  # default
                RPCD_TLS_CERT_FILE=  # default
                RPCD_TLS_KEY_FILE=  # default
                RPCD_TLS_CLIENT_CA_FILE=  # default
                RPCD_TEST_METHODS=0  # default
                RPCD_METHODS_DIR=  # default
                RPCD_METHODS_PASS_ENV=  # default
                RPCD_METHODS_MAX_OUTPUT=5MiB  # default
                RPCD_METHODS_CONCURRENCY=16  # default
                RPCD_METHODS_QUEUE=64  # default
                RPCD_BACKENDS_DIR=  # default

                """
        )
    }

    @Test(
        "reload classes follow DESIGN §3",
        arguments: [
            (ConfigurationKey.daemon, ReloadClass.restart), (.listen, .rolling), (.adminSocket, .restart),
            (.adminGroup, .restart), (.workers, .rolling), (.threads, .rolling), (.logLevel, .live),
            (.logTarget, .live), (.logFormat, .live), (.pidfile, .restart), (.maxRequestBytes, .rolling),
            (.maxBatch, .rolling), (.maxDepth, .rolling), (.maxConnections, .rolling), (.idleTimeout, .rolling),
            (.requestTimeout, .rolling), (.shutdownTimeout, .live), (.stopGrace, .live), (.workerTimeout, .live),
            (.maxRequests, .rolling),
            (.authTokenFile, .rolling), (.authUsersFile, .rolling), (.rateLimit, .rolling),
            (.allowUnauthenticated, .rolling),
            (.httpAllowedHosts, .rolling), (.httpAllowedOrigins, .rolling), (.testMethods, .rolling),
            (.config, .restart), (.methodsDir, .rolling),
            (.methodsPassEnv, .rolling), (.methodsMaxOutput, .rolling), (.methodsConcurrency, .rolling),
            (.methodsQueue, .rolling), (.backendsDir, .rolling),
        ]
    )
    func reloadClasses(_ key: ConfigurationKey, _ reload: ReloadClass) throws {
        #expect(key.reload == reload)
        #expect(try load().entry(key).reload == reload)
    }

    @Test("flag beats environment beats file beats default")
    func precedence() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "rpcd.env",
            "RPCD_PIDFILE=/file.pid\nRPCD_WORKERS=3\nRPCD_LOG_LEVEL=debug\nRPCD_MAX_BATCH=7\n"
        )
        let environment = ["RPCD_CONFIG": file, "RPCD_PIDFILE": "/env.pid", "RPCD_LOG_LEVEL": "error"]
        let loaded = try load(flags: ["RPCD_PIDFILE": "/flag.pid"], environment: environment)
        #expect(loaded.configuration.pidfile == "/flag.pid")
        #expect(loaded.configuration.logLevel == .error)
        #expect(loaded.configuration.workers == 3)
        #expect(loaded.configuration.maxDepth == 64)
        #expect(loaded.entry(.pidfile).source == .flag)
        #expect(loaded.entry(.logLevel).source == .environment)
        #expect(loaded.entry(.workers).source == .file(file))
        #expect(loaded.entry(.maxDepth).source == .default)
        #expect(loaded.entry(.config) == ConfigEntry(key: .config, value: file, source: .environment))

        let report = loaded.checkConfigReport()
        #expect(report.contains("RPCD_CONFIG=\(file)  # env\n"))
        #expect(report.contains("RPCD_PIDFILE=/flag.pid  # flag\n"))
        #expect(report.contains("RPCD_LOG_LEVEL=error  # env\n"))
        #expect(report.contains("RPCD_WORKERS=3  # file \(file)\n"))
        #expect(report.contains("RPCD_MAX_BATCH=7  # file \(file)\n"))
        #expect(report.contains("RPCD_MAX_DEPTH=64  # default\n"))
    }

    @Test("--config beats RPCD_CONFIG, and a relative path resolves against the working directory")
    func relativeConfigFlag() throws {
        let directory = try TemporaryDirectory()
        try directory.write("flag.env", "RPCD_WORKERS=5\n")
        try directory.write("env.env", "RPCD_WORKERS=6\n")
        let loaded = try load(
            flags: ["RPCD_CONFIG": "flag.env"],
            environment: ["RPCD_CONFIG": "env.env"],
            currentDirectory: directory.path
        )
        #expect(loaded.configuration.configFile == "\(directory.path)/flag.env")
        #expect(loaded.configuration.workers == 5)
        #expect(loaded.entry(.config).source == .flag)
        #expect(loaded.entry(.workers).source == .file("\(directory.path)/flag.env"))
    }

    @Test("a named config file that is missing is an error")
    func missingNamedFile() throws {
        #expect {
            try load(flags: ["RPCD_CONFIG": "absent.env"], currentDirectory: "/nonexistent")
        } throws: { error in
            guard let error = error as? ConfigurationError else {
                return false
            }
            return error.code == .configFileNotFound
                && error.message == "cannot read config file /nonexistent/absent.env: No such file or directory"
        }
    }

    @Test("the default config file is read only if it exists")
    func defaultFile() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rpcd.env", "RPCD_THREADS=2\n")
        let withFile = try load(host: testHost(defaultConfigFile: file))
        #expect(withFile.configuration.configFile == file)
        #expect(withFile.configuration.threads == 2)
        #expect(withFile.entry(.config) == ConfigEntry(key: .config, value: file, source: .default))

        let without = try load(host: testHost(defaultConfigFile: "\(directory.path)/absent.env"))
        #expect(without.configuration.configFile == nil)
        #expect(without.configuration.threads == 1)
    }

    @Test("an empty RPCD_CONFIG turns the default file off")
    func emptyConfigTurnsDefaultOff() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rpcd.env", "RPCD_THREADS=2\n")
        let loaded = try load(environment: ["RPCD_CONFIG": ""], host: testHost(defaultConfigFile: file))
        #expect(loaded.configuration.configFile == nil)
        #expect(loaded.configuration.threads == 1)
        #expect(loaded.entry(.config) == ConfigEntry(key: .config, value: "", source: .environment))
    }

    @Test("a malformed config file names the file and line")
    func malformedFile() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rpcd.env", "# settings\nRPCD_WORKERS=2\nthis is not a setting\n")
        #expect {
            try load(flags: ["RPCD_CONFIG": file])
        } throws: { error in
            (error as? ConfigurationError)?.message == "\(file):3: expected KEY=VALUE, got 'this is not a setting'"
        }
    }

    struct BadValue: Sendable, CustomTestStringConvertible {
        var key: String
        var value: String
        var message: String
        var testDescription: String { "\(self.key)=\(self.value)" }
    }

    static let longPath = "/" + String(repeating: "s", count: 120)

    static let badValues: [BadValue] = [
        BadValue(
            key: "RPCD_WORKERS",
            value: "abc",
            message: "RPCD_WORKERS='abc': expected a whole number from 0 to 1024"
        ),
        BadValue(
            key: "RPCD_WORKERS",
            value: "1025",
            message: "RPCD_WORKERS='1025': expected a whole number from 0 to 1024"
        ),
        BadValue(key: "RPCD_WORKERS", value: "", message: "RPCD_WORKERS='': expected a whole number from 0 to 1024"),
        BadValue(
            key: "RPCD_RATE_LIMIT",
            value: "-1",
            message: "RPCD_RATE_LIMIT='-1': expected a whole number from 0 to 10000000"
        ),
        BadValue(key: "RPCD_THREADS", value: "0", message: "RPCD_THREADS='0': expected a whole number from 1 to 256"),
        BadValue(
            key: "RPCD_IDLE_TIMEOUT",
            value: "5x",
            message: "RPCD_IDLE_TIMEOUT='5x': expected a duration from 1ms to 24h, like 250ms, 30s, 5m or plain seconds"
        ),
        BadValue(
            key: "RPCD_REQUEST_TIMEOUT",
            value: "0",
            message: "RPCD_REQUEST_TIMEOUT='0': expected a duration from 1ms"
        ),
        BadValue(
            key: "RPCD_WORKER_TIMEOUT",
            value: "10ms",
            message: "RPCD_WORKER_TIMEOUT='10ms': expected a duration from 100ms to 24h"
        ),
        BadValue(
            key: "RPCD_SHUTDOWN_TIMEOUT",
            value: "2d",
            message: "RPCD_SHUTDOWN_TIMEOUT='2d': expected a duration from 0s"
        ),
        BadValue(
            key: "RPCD_MAX_REQUEST_BYTES",
            value: "5MB",
            message: "RPCD_MAX_REQUEST_BYTES='5MB': expected a size from 1 to 1GiB: plain bytes or a binary suffix, "
                + "like 512, 64KiB or 5MiB (KiB, MiB, GiB; not KB or MB)"
        ),
        BadValue(
            key: "RPCD_MAX_BATCH",
            value: "0",
            message: "RPCD_MAX_BATCH='0': expected a whole number from 1 to 1000000"
        ),
        BadValue(
            key: "RPCD_MAX_DEPTH",
            value: "2000",
            message: "RPCD_MAX_DEPTH='2000': expected a whole number from 1 to 1000"
        ),
        BadValue(
            key: "RPCD_MAX_CONNECTIONS",
            value: "-5",
            message: "RPCD_MAX_CONNECTIONS='-5': expected a whole number"
        ),
        BadValue(
            key: "RPCD_MAX_REQUESTS",
            value: "1e6",
            message: "RPCD_MAX_REQUESTS='1e6': expected a whole number from 0"
        ),
        BadValue(
            key: "RPCD_DAEMON",
            value: "maybe",
            message: "RPCD_DAEMON='maybe': expected 1 or 0 (also true/false, yes/no, on/off)"
        ),
        BadValue(key: "RPCD_TEST_METHODS", value: "2", message: "RPCD_TEST_METHODS='2': expected 1 or 0"),
        BadValue(
            key: "RPCD_LOG_LEVEL",
            value: "verbose",
            message: "RPCD_LOG_LEVEL='verbose': expected trace, debug, info, notice, warning, error or critical"
        ),
        BadValue(
            key: "RPCD_LOG_TARGET",
            value: "file:",
            message: "RPCD_LOG_TARGET='file:': expected auto, journald, stderr, syslog or file:PATH"
        ),
        BadValue(key: "RPCD_LOG_TARGET", value: "console", message: "RPCD_LOG_TARGET='console': expected auto"),
        BadValue(key: "RPCD_LOG_FORMAT", value: "xml", message: "RPCD_LOG_FORMAT='xml': expected text or json"),
        BadValue(
            key: "RPCD_ACCESS_LOG",
            value: "sometimes",
            message: "RPCD_ACCESS_LOG='sometimes': expected off, on or file:PATH"
        ),
        BadValue(
            key: "RPCD_ACCESS_LOG",
            value: "file:/nonexistent-rpcd-dir/access.log",
            message: "RPCD_ACCESS_LOG='file:/nonexistent-rpcd-dir/access.log': the access log's directory "
                + "/nonexistent-rpcd-dir does not exist"
        ),
        BadValue(
            key: "RPCD_LISTEN",
            value: "127.0.0.1:7700",
            message: "RPCD_LISTEN='127.0.0.1:7700': invalid endpoint '127.0.0.1:7700': "
                + "expected tcp://HOST:PORT, unix:/PATH, http://HOST:PORT, tls://HOST:PORT or https://HOST:PORT"
        ),
        BadValue(key: "RPCD_LISTEN", value: "", message: "RPCD_LISTEN='': no endpoint given"),
        BadValue(
            key: "RPCD_LISTEN",
            value: "tcp://127.0.0.1:1,tcp://127.0.0.1:1",
            message:
                "RPCD_LISTEN='tcp://127.0.0.1:1,tcp://127.0.0.1:1': endpoint 'tcp://127.0.0.1:1' listens on the same address"
        ),
        BadValue(
            key: "RPCD_ADMIN_SOCKET",
            value: "",
            message: "RPCD_ADMIN_SOCKET='': expected a unix socket path of 1 to 107 bytes"
        ),
        BadValue(
            key: "RPCD_ADMIN_SOCKET",
            value: Self.longPath,
            message: "RPCD_ADMIN_SOCKET='\(Self.longPath)': expected a unix socket path of 1 to 107 bytes"
        ),
        BadValue(key: "RPCD_ADMIN_GROUP", value: "wheel", message: "RPCD_ADMIN_GROUP='wheel': no such group"),
        BadValue(
            key: "RPCD_AUTH_TOKEN_FILE",
            value: "/etc/rpcd/missing",
            message:
                "RPCD_AUTH_TOKEN_FILE='/etc/rpcd/missing': cannot read the token file /etc/rpcd/missing: No such file or directory"
        ),
    ]

    @Test("a bad value names the key, the value and what was expected", arguments: Self.badValues)
    func badValue(_ example: BadValue) {
        #expect {
            try load(environment: [example.key: example.value])
        } throws: { error in
            guard let error = error as? ConfigurationError else {
                return false
            }
            return error.code == .invalidValue && error.message.hasPrefix(example.message)
                && error.message.hasSuffix("(from the environment)")
        }
    }

    @Test("a bad value in the file names the file and line; on the command line, says so")
    func badValueOrigin() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rpcd.env", "\n\nRPCD_IDLE_TIMEOUT=forever\n")
        #expect {
            try load(flags: ["RPCD_CONFIG": file])
        } throws: { error in
            (error as? ConfigurationError)?.message
                == "RPCD_IDLE_TIMEOUT='forever': expected a duration from 1ms to 24h, like 250ms, 30s, 5m or plain seconds "
                + "(from \(file) line 3)"
        }
        #expect {
            try load(flags: ["RPCD_DAEMON": "x"])
        } throws: { error in
            (error as? ConfigurationError)?.message.hasSuffix("(from the command line)") == true
        }
    }

    @Test("valid values of every kind")
    func validValues() throws {
        let loaded = try load(
            environment: [
                "RPCD_DAEMON": "yes",
                "RPCD_LISTEN": "unix:/run/rpcd/rpc.sock?mode=0660, tcp://[::1]:0?framing=length",
                "RPCD_ADMIN_SOCKET": "admin.sock",
                "RPCD_ADMIN_GROUP": "rpcd",
                "RPCD_WORKERS": "0",
                "RPCD_THREADS": "8",
                "RPCD_LOG_LEVEL": "WARNING",
                "RPCD_LOG_TARGET": "file:logs/rpcd.log",
                "RPCD_LOG_FORMAT": "json",
                "RPCD_ACCESS_LOG": "ON",
                "RPCD_PIDFILE": "run/rpcd.pid",
                "RPCD_MAX_REQUEST_BYTES": "64KiB",
                "RPCD_MAX_BATCH": "10",
                "RPCD_MAX_DEPTH": "8",
                "RPCD_MAX_CONNECTIONS": "100",
                "RPCD_IDLE_TIMEOUT": "1.5",
                "RPCD_REQUEST_TIMEOUT": "250ms",
                "RPCD_SHUTDOWN_TIMEOUT": "0",
                "RPCD_STOP_GRACE": "2s",
                "RPCD_WORKER_TIMEOUT": "1m",
                "RPCD_MAX_REQUESTS": "10000",
                "RPCD_AUTH_TOKEN_FILE": "/etc/rpcd/token",
                "RPCD_AUTH_USERS_FILE": "/etc/rpcd/users",
                "RPCD_RATE_LIMIT": "50",
                "RPCD_ALLOW_UNAUTHENTICATED": "1",
                "RPCD_HTTP_ALLOWED_HOSTS": "rpcd",
                "RPCD_HTTP_ALLOWED_ORIGINS": "https://app.example",
                "RPCD_TLS_CERT_FILE": "",
                "RPCD_TLS_KEY_FILE": "",
                "RPCD_TLS_CLIENT_CA_FILE": "",
                "RPCD_TEST_METHODS": "on",
                "RPCD_METHODS_DIR": "/etc/rpcd/methods.d",
                "RPCD_METHODS_PASS_ENV": "TZ",
                "RPCD_METHODS_MAX_OUTPUT": "1MiB",
                "RPCD_METHODS_CONCURRENCY": "4",
                "RPCD_METHODS_QUEUE": "8",
                "RPCD_BACKENDS_DIR": "",
            ]
        )
        let configuration = loaded.configuration
        #expect(configuration.daemon)
        #expect(
            configuration.listen == [
                ListenEndpoint(kind: .unix(path: "/run/rpcd/rpc.sock"), framing: .ndjson, unixMode: 0o660),
                ListenEndpoint(kind: .tcp(host: "::1", port: 0), framing: .length),
            ]
        )
        #expect(configuration.adminSocket == "/srv/app/admin.sock")
        #expect(configuration.adminGroup == "rpcd")
        #expect(configuration.workers == 0)
        #expect(configuration.threads == 8)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.logTarget == .file(path: "/srv/app/logs/rpcd.log"))
        #expect(configuration.logFormat == .json)
        #expect(configuration.accessLog.description == "on")
        #expect(configuration.pidfile == "/srv/app/run/rpcd.pid")
        #expect(configuration.maxRequestBytes == 65_536)
        #expect(configuration.maxBatch == 10)
        #expect(configuration.maxDepth == 8)
        #expect(configuration.maxConnections == 100)
        #expect(configuration.idleTimeout == .milliseconds(1500))
        #expect(configuration.requestTimeout == .milliseconds(250))
        #expect(configuration.shutdownTimeout == .zero)
        #expect(configuration.stopGrace == .seconds(2))
        #expect(configuration.workerTimeout == .seconds(60))
        #expect(configuration.maxRequests == 10_000)
        #expect(configuration.authTokenFile == "/etc/rpcd/token")
        #expect(configuration.authUsersFile == "/etc/rpcd/users")
        #expect(configuration.testMethods)

        let values = Dictionary(uniqueKeysWithValues: loaded.entries.map { ($0.name, $0.value) })
        #expect(values["RPCD_DAEMON"] == "1")
        #expect(values["RPCD_LISTEN"] == "unix:/run/rpcd/rpc.sock?mode=0660,tcp://[::1]:0?framing=length")
        #expect(values["RPCD_LOG_LEVEL"] == "warning")
        #expect(values["RPCD_LOG_TARGET"] == "file:/srv/app/logs/rpcd.log")
        #expect(values["RPCD_MAX_REQUEST_BYTES"] == "64KiB")
        #expect(values["RPCD_IDLE_TIMEOUT"] == "1500ms")
        #expect(values["RPCD_SHUTDOWN_TIMEOUT"] == "0s")
        #expect(values["RPCD_WORKER_TIMEOUT"] == "60s")
        #expect(values["RPCD_TEST_METHODS"] == "1")
        #expect(loaded.entries.allSatisfy { $0.key == .setting(.config) || $0.source == .environment })
    }

    @Test("the check-config report is a config file that loads to the same configuration")
    func reportRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let environment = [
            "RPCD_LISTEN": "unix:\(directory.path)/with space.sock", "RPCD_PIDFILE": "\(directory.path)/a#b.pid",
            "RPCD_WORKERS": "3", "RPCD_IDLE_TIMEOUT": "0.0015",
        ]
        let first = try load(environment: environment)
        let file = try directory.write(
            "report.env",
            first.checkConfigReport().replacingOccurrences(of: "RPCD_CONFIG=", with: "#")
        )
        let second = try load(flags: ["RPCD_CONFIG": file])
        var expected = first.configuration
        expected.configFile = file
        #expect(second.configuration == expected)
        #expect(second.warnings.isEmpty)
    }

    @Test(
        "the admin socket default",
        arguments: [
            (["RUNTIME_DIRECTORY": "/run/rpcd-unit:/run/other"], UInt32(0), "/run/rpcd-unit/admin.sock"),
            (
                ["RUNTIME_DIRECTORY": "/run/rpcd-unit/", "XDG_RUNTIME_DIR": "/run/user/1000"], 1000,
                "/run/rpcd-unit/admin.sock"
            ),
            (["XDG_RUNTIME_DIR": "/run/user/0"], 0, "/run/rpcd/admin.sock"),
            (["XDG_RUNTIME_DIR": "/run/user/1000"], 1000, "/run/user/1000/rpcd/admin.sock"),
            (["XDG_RUNTIME_DIR": "relative"], 1000, "/tmp/rpcd-1000/admin.sock"),
            (["RUNTIME_DIRECTORY": ""], 1000, "/tmp/rpcd-1000/admin.sock"),
            ([:], 1000, "/tmp/rpcd-1000/admin.sock"),
        ]
    )
    func adminSocketDefault(_ environment: [String: String], _ euid: UInt32, _ expected: String) throws {
        let loaded = try load(environment: environment, host: testHost(effectiveUserID: euid, userID: euid))
        #expect(loaded.configuration.adminSocket == expected)
        #expect(
            AdminSocketPath.default(environment: environment, effectiveUserID: euid, userID: euid)
                == expected
        )
    }

    @Test(
        "the pidfile default",
        arguments: [
            ([String: String](), [String: String](), UInt32(0), String?.none),
            (["RPCD_DAEMON": "1"], [:], 0, "/run/rpcd/rpcd.pid"),
            (["RPCD_DAEMON": "1"], ["XDG_RUNTIME_DIR": "/run/user/1000"], 1000, "/run/user/1000/rpcd/rpcd.pid"),
            (["RPCD_DAEMON": "1"], [:], 1000, "/tmp/rpcd-1000/rpcd.pid"),
            ([:], ["RPCD_DAEMON": "true"], 0, "/run/rpcd/rpcd.pid"),
            (["RPCD_DAEMON": "1"], ["RPCD_PIDFILE": ""], 0, nil),
            (["RPCD_PIDFILE": "/var/run/x.pid"], [:], 1000, "/var/run/x.pid"),
        ]
    )
    func pidfileDefault(
        _ flags: [String: String],
        _ environment: [String: String],
        _ euid: UInt32,
        _ expected: String?
    ) throws {
        let loaded = try load(
            flags: flags,
            environment: environment,
            host: testHost(effectiveUserID: euid, userID: euid)
        )
        #expect(loaded.configuration.pidfile == expected)
        #expect(loaded.entry(.pidfile).value == expected ?? "")
    }

    @Test("workers default to the online CPUs, at most 1024")
    func workersDefault() throws {
        #expect(try load(host: testHost(onlineCPUs: 2)).configuration.workers == 2)
        #expect(try load(host: testHost(onlineCPUs: 4096)).configuration.workers == 1024)
    }

    @Test("unknown keys are warnings, with a suggestion for typos")
    func unknownKeys() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "rpcd.env",
            """
            RPCD_WORKERS=2
            RPCD_LOG_LEVLE=debug
            FOO=bar
            RPCD_CONFIG=/elsewhere.env
            RPCD_WORKERS=3
            RPCD_SOMETHING_ELSE=1
            """
        )
        let loaded = try load(
            flags: ["RPCD_CONFIG": file],
            environment: ["RPCD_WORKRES": "8", "HOME": "/root", "RPCD_MAX_BATCH": "5", "NOT_RPCD": "1"]
        )
        #expect(
            loaded.warnings == [
                "unknown setting RPCD_LOG_LEVLE in \(file) line 2 is ignored (did you mean RPCD_LOG_LEVEL?)",
                "FOO in \(file) line 3 is not an rpcd setting and is ignored",
                "RPCD_CONFIG in \(file) line 4 is ignored: a config file cannot name another one",
                "RPCD_WORKERS is set twice in \(file) (lines 1 and 5); line 5 wins",
                "unknown setting RPCD_SOMETHING_ELSE in \(file) line 6 is ignored",
                "unknown setting RPCD_WORKRES in the environment is ignored (did you mean RPCD_WORKERS?)",
            ]
        )
        #expect(loaded.configuration.workers == 3)
        #expect(loaded.configuration.logLevel == .info)
        #expect(loaded.configuration.configFile == file)
    }

    @Test("a reload re-reads the file at the path resolved first, and reports what changed")
    func reload() throws {
        let directory = try TemporaryDirectory()
        try directory.write("rpcd.env", "RPCD_WORKERS=2\nRPCD_LOG_LEVEL=info\n")
        let first = try load(flags: ["RPCD_CONFIG": "rpcd.env"], currentDirectory: directory.path)
        #expect(first.configuration.workers == 2)

        try directory.write("rpcd.env", "RPCD_WORKERS=3\nRPCD_LOG_LEVEL=debug\nRPCD_ADMIN_GROUP=rpcd\n")
        let second = try first.reloaded()
        #expect(second.configuration.workers == 3)
        #expect(second.configuration.configFile == "\(directory.path)/rpcd.env")
        let changes = second.changedEntries(from: first)
        #expect(changes.map(\.key.setting) == [.adminGroup, .workers, .logLevel])
        #expect(changes.map(\.reload) == [.restart, .rolling, .live])

        try directory.write("rpcd.env", "RPCD_WORKERS=many\n")
        #expect(throws: ConfigurationError.self) {
            try second.reloaded()
        }
    }
}
