import RPCDAdmin
import Testing

/// `rpcd-admin drain` / `undrain`: the output, the default wait and `--timeout`'s forms.
@Suite("rpcd-admin drain")
struct AdminDrainCommandTests {
    @Test func outputSaysTheStateAndTheOpenConnections() {
        #expect(AdminOutput.drain(DrainResult(draining: true, connections: 0)) == "draining: 0 connections open\n")
        #expect(AdminOutput.drain(DrainResult(draining: true, connections: 1)) == "draining: 1 connection open\n")
        #expect(
            AdminOutput.drain(DrainResult(draining: false, connections: 3))
                == "serving (not draining): 3 connections open\n"
        )
    }

    @Test func drainWaitWaitsAMinuteByDefault() {
        #expect(AdminCommand.drain(draining: true, wait: true).defaultTimeout == .seconds(60))
        #expect(AdminCommand.drain(draining: true, wait: false).defaultTimeout == .seconds(5))
        #expect(AdminCommand.drain(draining: false, wait: false).defaultTimeout == .seconds(5))
    }

    @Test(
        "--timeout takes seconds or a duration with a unit",
        arguments: [
            ("5", Duration.seconds(5)), ("0.3", .milliseconds(300)), ("500ms", .milliseconds(500)),
            ("60s", .seconds(60)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("86400", .seconds(86_400)),
        ]
    )
    func timeouts(_ text: String, _ expected: Duration) throws {
        #expect(try AdminCommand.timeout(text) == expected)
    }

    @Test(arguments: ["0", "-1", "x", "", "s", "5x", "2d", "86401", "inf", "nan"])
    func invalidTimeoutsAreUsageErrors(_ text: String) {
        #expect(throws: AdminUsageError.self) { try AdminCommand.timeout(text) }
    }
}
