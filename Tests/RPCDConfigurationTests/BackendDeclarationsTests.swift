import Foundation
import RPCDConfiguration
import TestSupport
import Testing

private func load(
    _ environment: [String: String] = [:],
    currentDirectory: String = "/srv",
    host: ConfigurationLoader.Host = testHost()
) throws(ConfigurationError) -> LoadedConfiguration {
    try ConfigurationLoader.load(flags: [:], environment: environment, currentDirectory: currentDirectory, host: host)
}

@Suite("Where backends are declared: RPCD_BACKENDS_DIR, NAME.env files, RPCD_BACKEND_* keys")
struct BackendDeclarationsTests {
    @Test("the default directory is read only if it exists; an empty RPCD_BACKENDS_DIR turns it off")
    func defaultDirectory() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        try directory.write("greet.env", "COMMAND=app\n")
        let withDefault = try load(host: testHost(defaultBackendsDirectory: directory.path))
        #expect(withDefault.configuration.backendsDirectory == directory.path)
        #expect(withDefault.configuration.backends.map(\.name) == ["greet"])
        #expect(
            withDefault.entry(.backendsDir) == ConfigEntry(key: .backendsDir, value: directory.path, source: .default)
        )

        let absent = try load(host: testHost(defaultBackendsDirectory: directory.file("absent")))
        #expect(absent.configuration.backendsDirectory == nil)
        #expect(absent.configuration.backends.isEmpty)

        let off = try load(["RPCD_BACKENDS_DIR": ""], host: testHost(defaultBackendsDirectory: directory.path))
        #expect(off.configuration.backendsDirectory == nil)
        #expect(off.configuration.backends.isEmpty)
        #expect(off.entry(.backendsDir) == ConfigEntry(key: .backendsDir, value: "", source: .environment))
    }

    @Test("a relative RPCD_BACKENDS_DIR is resolved against the working directory")
    func relativeDirectory() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        try FileManager.default.createDirectory(
            atPath: directory.file("backends.d"),
            withIntermediateDirectories: false
        )
        try directory.write("backends.d/greet.env", "COMMAND=app\n")
        let loaded = try load(["RPCD_BACKENDS_DIR": "./backends.d"], currentDirectory: directory.path)
        #expect(loaded.configuration.backendsDirectory == directory.file("backends.d"))
        #expect(loaded.configuration.backends.map(\.name) == ["greet"])
    }

    @Test("a named directory that cannot be listed is an error naming it and the reason")
    func unlistableNamedDirectory() {
        #expect {
            try load(["RPCD_BACKENDS_DIR": "backends.d"])
        } throws: { error in
            (error as? ConfigurationError)?.message
                == "RPCD_BACKENDS_DIR='backends.d': cannot list the directory /srv/backends.d: "
                + "No such file or directory (from the environment)"
        }
    }

    @Test("a default directory that cannot be listed is a warning")
    func unlistableDefaultDirectory() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        let notADirectory = try directory.write("backends.d", "")
        let loaded = try load(host: testHost(defaultBackendsDirectory: notADirectory))
        #expect(loaded.configuration.backends.isEmpty)
        #expect(
            loaded.warnings == [
                "cannot list the backends directory \(notADirectory): Not a directory; no backend is read from it"
            ]
        )
    }

    @Test("only NAME.env files declare backends; leftovers are skipped, a misnamed .env file is a warning")
    func fileNames() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        for name in [
            "Greet.env", "my_app2.env", ".hidden.env", "old.env~", "old.env.dpkg-dist", "old.env.rpmnew", "README",
            "notes.txt", "my-app.env", "x.y.env",
        ] {
            try directory.write(name, "COMMAND=app\n")
        }
        let loaded = try load(["RPCD_BACKENDS_DIR": directory.path])
        #expect(loaded.configuration.backends.map(\.name) == ["greet", "my_app2"])
        #expect(
            loaded.warnings == [
                "backend file \(directory.path)/my-app.env is ignored: a backend's file is NAME.env with NAME of A-Z a-z 0-9 _",
                "backend file \(directory.path)/x.y.env is ignored: a backend's file is NAME.env with NAME of A-Z a-z 0-9 _",
            ]
        )
    }

    @Test("two files for one backend name are an error naming both")
    func duplicateFiles() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        try directory.write("GREET.env", "COMMAND=app\n")
        try directory.write("greet.env", "COMMAND=app\n")
        #expect {
            try load(["RPCD_BACKENDS_DIR": directory.path])
        } throws: { error in
            (error as? ConfigurationError)?.message
                == "backend greet is declared twice, by \(directory.path)/GREET.env and \(directory.path)/greet.env "
                + "(names ignore case)"
        }
    }

    @Test("a malformed backend file names the file and line")
    func malformedFile() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        let file = try directory.write("greet.env", "COMMAND=app\nnot a setting\n")
        #expect {
            try load(["RPCD_BACKENDS_DIR": directory.path])
        } throws: { error in
            (error as? ConfigurationError)?.message == "\(file):2: expected KEY=VALUE, got 'not a setting'"
        }
    }

    @Test("a key naming no declared backend is a warning saying how to declare it")
    func undeclaredBackend() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        let configDirectory = try TemporaryDirectory(prefix: "rpcd-bd")
        let mainFile = try configDirectory.write("rpcd.env", "RPCD_WORKERS=1\nRPCD_BACKEND_BAR_START_TIMEOUT=1s\n")
        let loaded = try load([
            "RPCD_BACKEND_FOO_INSTANCES": "2", "RPCD_CONFIG": mainFile, "RPCD_BACKEND_BAZ_ENV_X": "1",
        ])
        #expect(loaded.configuration.backends.isEmpty)
        #expect(
            loaded.warnings == [
                "RPCD_BACKEND_BAR_START_TIMEOUT in \(mainFile) line 2: no backend bar is declared "
                    + "(it needs RPCD_BACKEND_BAR_COMMAND or /etc/rpcd/backends.d/bar.env)",
                "RPCD_BACKEND_BAZ_ENV_X in the environment: no backend baz is declared "
                    + "(it needs RPCD_BACKEND_BAZ_COMMAND or /etc/rpcd/backends.d/baz.env)",
                "RPCD_BACKEND_FOO_INSTANCES in the environment: no backend foo is declared "
                    + "(it needs RPCD_BACKEND_FOO_COMMAND or /etc/rpcd/backends.d/foo.env)",
            ]
        )

        let withDirectory = try load(["RPCD_BACKENDS_DIR": directory.path, "RPCD_BACKEND_FOO_QUEUE": "2"])
        #expect(
            withDirectory.warnings == [
                "RPCD_BACKEND_FOO_QUEUE in the environment: no backend foo is declared "
                    + "(it needs RPCD_BACKEND_FOO_COMMAND or \(directory.path)/foo.env)"
            ]
        )
    }

    @Test("unknown backend keys are warnings with a suggestion, never unknown daemon settings")
    func unknownKeys() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        let file = try directory.write("greet.env", "COMMAND=app\nINSTANSES=2\nRPCD_WORKERS=2\nENV_=x\n")
        let loaded = try load([
            "RPCD_BACKENDS_DIR": directory.path,
            "RPCD_BACKEND_GREET_CONCURENCY": "2",
            "RPCD_BACKEND_GREET_FROBNICATE": "1",
            "RPCD_BACKEND_DIR": "/x",
            "RPCD_BACKEND_greet_QUEUE": "1",
        ])
        #expect(loaded.configuration.backends.first?.instances == 1)
        #expect(
            loaded.warnings == [
                "unknown setting INSTANSES in \(file) line 2 is ignored (did you mean INSTANCES?)",
                "unknown setting RPCD_WORKERS in \(file) line 3 is ignored "
                    + "(a backend's file holds its keys without prefix, like COMMAND=...)",
                "unknown setting ENV_ in \(file) line 4 is ignored",
                "unknown setting RPCD_BACKEND_DIR in the environment is ignored "
                    + "(expected RPCD_BACKEND_<NAME>_<KEY>; did you mean RPCD_BACKENDS_DIR?)",
                "unknown setting RPCD_BACKEND_GREET_CONCURENCY in the environment is ignored "
                    + "(did you mean RPCD_BACKEND_GREET_CONCURRENCY?)",
                "unknown setting RPCD_BACKEND_GREET_FROBNICATE in the environment is ignored",
                "unknown setting RPCD_BACKEND_greet_QUEUE in the environment is ignored "
                    + "(NAME in RPCD_BACKEND_<NAME>_<KEY> is upper case: A-Z 0-9 _)",
            ]
        )
    }

    @Test("a reload sees added, changed and removed backends")
    func changedEntries() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-bd")
        try directory.write("alpha.env", "COMMAND=app\nINSTANCES=1\n")
        try directory.write("beta.env", "COMMAND=app\n")
        let first = try load(["RPCD_BACKENDS_DIR": directory.path])
        #expect(first.changedEntries(from: first).isEmpty)

        try directory.write("alpha.env", "COMMAND=app\nINSTANCES=2\n")
        try FileManager.default.removeItem(atPath: directory.file("beta.env"))
        try directory.write("gamma.env", "COMMAND=app\nENV_X=1\n")
        let second = try first.reloaded()
        let changes = second.changedEntries(from: first)
        let fixedKeys = [
            "COMMAND", "INSTANCES", "CONCURRENCY", "METHODS", "TIMEOUT", "START_TIMEOUT", "QUEUE", "MAX_CALLS",
            "MAX_RSS", "STOP_TIMEOUT", "DIRECTORY", "PASS_ENV",
        ]
        #expect(
            changes.map(\.name)
                == ["RPCD_BACKEND_ALPHA_INSTANCES"] + fixedKeys.map { "RPCD_BACKEND_GAMMA_\($0)" }
                + ["RPCD_BACKEND_GAMMA_ENV_X"] + fixedKeys.map { "RPCD_BACKEND_BETA_\($0)" }
        )
        #expect(changes.allSatisfy { $0.reload == .rolling })
        #expect(changes.first?.value == "2")
    }
}
