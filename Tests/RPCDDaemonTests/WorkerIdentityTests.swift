import Testing

@testable import RPCDDaemon

@Suite struct WorkerIdentityTests {
    @Test func aWorkerCommandLineRoundTrips() throws {
        let identity = WorkerIdentity(slot: 3, generation: 7, listeners: ["tcp://127.0.0.1:7700", "unix:/run/x.sock"])
        let parsed = try #require(
            WorkerIdentity.parse(arguments: ["prog"] + identity.arguments + ["--config", "/etc/rpcd/rpcd.env"])
        )
        #expect(parsed.identity == identity)
        #expect(parsed.flags == ["RPCD_CONFIG": "/etc/rpcd/rpcd.env"])
    }

    @Test(arguments: [
        ["prog"], ["prog", "--config", "x"], ["prog", "--worker", "x"], ["prog", "--worker", "1", "--bogus", "2"],
    ])
    func otherCommandLinesAreNotWorkers(_ arguments: [String]) {
        #expect(WorkerIdentity.parse(arguments: arguments)?.identity == nil)
    }
}
