import TestSupport
import Testing

@testable import RPCDConfiguration

@Suite("Environment file syntax")
struct EnvironmentFileTests {
    @Test(
        "values",
        arguments: [
            ("KEY=value", "value"),
            ("KEY=", ""),
            ("KEY=value   ", "value"),
            ("KEY=a b  c", "a b  c"),
            ("  KEY = value", "value"),
            ("export KEY=value", "value"),
            ("export\tKEY=value", "value"),
            ("KEY=value # a comment", "value"),
            ("KEY=a#b", "a#b"),
            ("KEY=#not-a-comment", "#not-a-comment"),
            ("KEY=   # only a comment", ""),
            ("KEY=\t#tabbed comment", ""),
            ("KEY=x=y", "x=y"),
            ("KEY='single # quoted  '", "single # quoted  "),
            ("KEY='back\\slash'", "back\\slash"),
            (#"KEY="double \"quoted\" \\ \n end""#, "double \"quoted\" \\ \n end"),
            (#"KEY="keeps \t and \$""#, #"keeps \t and \$"#),
            (#"KEY="x"   # comment"#, "x"),
            (#"KEY="""#, ""),
            ("KEY=value\r", "value"),
            ("KEY=tcp://127.0.0.1:7700,http://127.0.0.1:7701", "tcp://127.0.0.1:7700,http://127.0.0.1:7701"),
        ]
    )
    func values(_ line: String, _ value: String) throws {
        let file = try EnvironmentFile.parse(line, path: "/etc/rpcd/rpcd.env")
        #expect(file.assignments == [EnvironmentFile.Assignment(key: "KEY", value: value, line: 1)])
    }

    @Test("comments, blank lines and line numbers")
    func linesAndComments() throws {
        let text = """
            # rpcd settings

              # indented comment
            RPCD_WORKERS=4
            \t
            RPCD_LOG_LEVEL=debug
            RPCD_WORKERS=2
            """
        let file = try EnvironmentFile.parse(text, path: "/x.env")
        #expect(
            file.assignments == [
                .init(key: "RPCD_WORKERS", value: "4", line: 4),
                .init(key: "RPCD_LOG_LEVEL", value: "debug", line: 6),
                .init(key: "RPCD_WORKERS", value: "2", line: 7),
            ]
        )
    }

    @Test(
        "malformed lines name the file and line",
        arguments: [
            ("just words", "/x.env:2: expected KEY=VALUE, got 'just words'"),
            ("=value", "/x.env:2: invalid key '': expected letters, digits and underscores, not starting with a digit"),
            ("1KEY=value", "/x.env:2: invalid key '1KEY'"),
            ("RPCD-WORKERS=2", "/x.env:2: invalid key 'RPCD-WORKERS'"),
            ("export", "/x.env:2: expected KEY=VALUE, got 'export'"),
            (#"KEY="unterminated"#, "/x.env:2: missing closing \" (a quoted value cannot span lines)"),
            ("KEY='unterminated", "/x.env:2: missing closing '"),
            (#"KEY="a" b"#, "/x.env:2: unexpected text after the closing quote: 'b'"),
        ]
    )
    func malformed(_ line: String, _ message: String) {
        #expect {
            try EnvironmentFile.parse("# first line\n\(line)\n", path: "/x.env")
        } throws: { error in
            guard let error = error as? ConfigurationError else {
                return false
            }
            return error.code == .malformedConfigFile && error.message.hasPrefix(message)
        }
    }

    @Test("missing file")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        #expect {
            try EnvironmentFile.load(path: "\(directory.path)/absent.env", host: testHost())
        } throws: { error in
            guard let error = error as? ConfigurationError else {
                return false
            }
            return error.code == .configFileNotFound
                && error.message == "cannot read config file \(directory.path)/absent.env: No such file or directory"
        }
    }

    @Test("a directory is not a config file")
    func directory() throws {
        let directory = try TemporaryDirectory()
        #expect {
            try EnvironmentFile.load(path: directory.path, host: testHost())
        } throws: { error in
            (error as? ConfigurationError)?.code == .configFileUnreadable
        }
    }

    @Test("check-config output reads back as the same values")
    func quotingRoundTrip() throws {
        for value in [
            "", "plain", "with space", "quote\"s", "back\\slash", "hash # sign", "new\nline", "$HOME", "it's",
        ] {
            let line = "KEY=\(LoadedConfiguration.quotedIfNeeded(value))  # source"
            let file = try EnvironmentFile.parse(line, path: "/x.env")
            #expect(file.assignments.first?.value == value, "\(line)")
        }
    }
}
