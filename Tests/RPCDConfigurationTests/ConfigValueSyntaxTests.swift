import Testing

@testable import RPCDConfiguration

@Suite("Configuration value syntax")
struct ConfigValueSyntaxTests {
    static let anyDuration = Duration.zero...Duration.seconds(86_400)

    @Test(
        "durations",
        arguments: [
            ("250ms", Duration.milliseconds(250)),
            ("30s", .seconds(30)),
            ("5m", .seconds(300)),
            ("1h", .seconds(3600)),
            ("30", .seconds(30)),
            ("0.5", .milliseconds(500)),
            ("0", .zero),
            ("1.5s", .milliseconds(1500)),
            ("0.25m", .seconds(15)),
            ("1.000000001", .nanoseconds(1_000_000_001)),
            ("0.5ms", .microseconds(500)),
            ("2.5h", .seconds(9000)),
            ("24h", .seconds(86_400)),
            ("300S", .seconds(300)),
            ("10MS", .milliseconds(10)),
        ]
    )
    func durations(_ text: String, _ expected: Duration) throws {
        #expect(try ConfigValueSyntax.duration(text, in: Self.anyDuration) == expected)
    }

    @Test(
        "invalid durations",
        arguments: [
            "", "5x", "s", "ms", "-1s", "+1s", "1.s", ".5s", "1..5", "1.2.3", "1e3", " 1s", "1s ", "1 s",
            "0.0000000001", "1us", "1d", "25h", "99999999999999999999",
        ]
    )
    func invalidDurations(_ text: String) {
        #expect(throws: ValueProblem.self) {
            try ConfigValueSyntax.duration(text, in: Self.anyDuration)
        }
    }

    @Test("a duration's problem states the range and the forms")
    func durationProblem() {
        #expect {
            try ConfigValueSyntax.duration("0", in: Duration.milliseconds(1)...Duration.seconds(86_400))
        } throws: { error in
            (error as? ValueProblem)?.explanation
                == "expected a duration from 1ms to 24h, like 250ms, 30s, 5m or plain seconds"
        }
    }

    @Test(
        "durations render canonically",
        arguments: [
            (Duration.seconds(300), "300s"), (.milliseconds(250), "250ms"), (.zero, "0s"),
            (.microseconds(1500), "0.0015s"), (.nanoseconds(1_000_000_001), "1.000000001s"),
            (.milliseconds(1500), "1500ms"),
        ]
    )
    func renderDurations(_ duration: Duration, _ text: String) throws {
        #expect(ConfigValueSyntax.render(duration) == text)
        #expect(try ConfigValueSyntax.duration(text, in: Self.anyDuration) == duration)
    }

    @Test(
        "sizes",
        arguments: [
            ("512", 512), ("64KiB", 65_536), ("5MiB", 5_242_880), ("1GiB", 1_073_741_824), ("1kib", 1024),
            ("2MIB", 2_097_152), ("0", 0),
        ]
    )
    func sizes(_ text: String, _ bytes: Int) throws {
        #expect(try ConfigValueSyntax.size(text, in: 0...(1 << 30)) == bytes)
    }

    @Test(
        "invalid sizes",
        arguments: [
            "", "5MB", "5M", "5k", "5KB", "1.5MiB", "-1", "MiB", "2GiB", "5 MiB", "0x10", "99999999999999999999GiB",
        ]
    )
    func invalidSizes(_ text: String) {
        #expect {
            try ConfigValueSyntax.size(text, in: 1...(1 << 30))
        } throws: { error in
            (error as? ValueProblem)?.explanation
                == "expected a size from 1 to 1GiB: plain bytes or a binary suffix, like 512, 64KiB or 5MiB "
                + "(KiB, MiB, GiB; not KB or MB)"
        }
    }

    @Test(
        "sizes render with the largest exact unit",
        arguments: [(5_242_880, "5MiB"), (1000, "1000"), (3072, "3KiB"), (1536, "1536"), (0, "0")]
    )
    func renderSizes(_ bytes: Int, _ text: String) {
        #expect(ConfigValueSyntax.renderSize(bytes) == text)
    }

    @Test(
        "booleans",
        arguments: [
            ("1", true), ("0", false), ("true", true), ("FALSE", false), ("yes", true), ("No", false),
            ("on", true), ("off", false),
        ]
    )
    func booleans(_ text: String, _ value: Bool) throws {
        #expect(try ConfigValueSyntax.boolean(text) == value)
    }

    @Test("invalid booleans", arguments: ["", "2", "y", "enabled", " 1"])
    func invalidBooleans(_ text: String) {
        #expect {
            try ConfigValueSyntax.boolean(text)
        } throws: { error in
            (error as? ValueProblem)?.explanation == "expected 1 or 0 (also true/false, yes/no, on/off)"
        }
    }

    @Test("whole numbers", arguments: [("0", 0), ("1024", 1024), ("007", 7)])
    func wholeNumbers(_ text: String, _ value: Int) throws {
        #expect(try ConfigValueSyntax.wholeNumber(text, in: 0...1024) == value)
    }

    @Test(
        "invalid whole numbers",
        arguments: ["", "abc", "-1", "+1", "1025", "1.0", "1_000", " 1", "99999999999999999999"]
    )
    func invalidWholeNumbers(_ text: String) {
        #expect {
            try ConfigValueSyntax.wholeNumber(text, in: 0...1024)
        } throws: { error in
            (error as? ValueProblem)?.explanation == "expected a whole number from 0 to 1024"
        }
    }

    @Test(
        "paths resolve against the working directory",
        arguments: [
            ("rpcd.env", "/srv/app", "/srv/app/rpcd.env"), ("./conf/rpcd.env", "/srv/app", "/srv/app/conf/rpcd.env"),
            ("/etc/rpcd/rpcd.env", "/srv/app", "/etc/rpcd/rpcd.env"), ("../x", "/srv/app", "/srv/app/../x"),
            ("a//b/", "/", "/a/b"),
        ]
    )
    func absolutePaths(_ text: String, _ directory: String, _ expected: String) {
        #expect(ConfigValueSyntax.absolutePath(text, currentDirectory: directory) == expected)
    }
}
