import JSONRPC
import RPCDBackends
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1))) struct BackendLifecycleTests {
    /// The pid of the child the backend forked (its log says).
    func forkedChild(_ harness: BackendHarness) async throws -> Int32 {
        try await harness.until("the forked child's pid") {
            harness.backendLog().split(separator: "\n").first { $0.hasPrefix("child ") }.flatMap {
                Int32($0.dropFirst(6))
            }
        }
    }

    @Test func shutdownLeavesNoProcessOfTheGroupEvenOneIgnoringSIGTERM() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings(mode: "fork") { $0.stopTimeout = .milliseconds(200) }])
        let leader = try #require(harness.snapshot()?.processes.first?.pid)
        let child = try await self.forkedChild(harness)
        #expect(try await harness.call("echo", [1]) == [1])
        #expect(kill(-leader, 0) == 0)
        try await harness.stop()
        #expect(kill(-leader, 0) == -1)
        #expect(errno == ESRCH)
        #expect(kill(child, 0) == -1)
    }

    @Test func aLeaderExitingWhileItsChildHoldsStdoutIsStillNoticed() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings(mode: "fork")])
        let child = try await self.forkedChild(harness)
        let started = ContinuousClock.now
        let error = try #require(await harness.error("die"))
        #expect(error.code == JSONRPCErrorCode.backendFailed)
        // 5 as it exited, or 0 when another part of the test process reaped it first (ECHILD).
        #expect(error.data?["exit_status"] == 5 || error.data?["exit_status"] == 0, "\(error)")
        // Noticed by the reaping sweep, not at the child's exit an hour later.
        #expect(ContinuousClock.now - started < .seconds(30))
        try await harness.until("the forked child gone with its group") { kill(child, 0) != 0 }
        try await harness.stop()
    }

    @Test func aStderrFloodIsLoggedBoundedAndTheRestCounted() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings(mode: "flood")])
        #expect(try await harness.call("echo", [1]) == [1])
        try await harness.stop()
        let records = harness.log.records.withLockedValue { $0 }
        let logged = records.count { $0.message.hasPrefix("flood line") && $0.metadata["backend.name"] == "py" }
        let dropped = records.filter { $0.message == "backend stderr lines dropped" }.compactMap {
            $0.metadata["lines"].flatMap { Int("\($0)") }
        }
        #expect(logged > 0)
        #expect(logged <= 100)
        #expect(logged + dropped.reduce(0, +) == 5000)
        #expect(records.contains { $0.message.hasPrefix("flood line") && $0.metadata["backend.pid"] != nil })
    }

    @Test func maxCallsRecyclesWithTheReplacementStartedFirst() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings { $0.maxCalls = 5 }])
        var pids: [Int] = []
        // The old instance takes calls until its replacement is ready, then gets no more.
        while pids.count < 200, Set(pids).count < 2 {
            let pid = try await harness.call("pid")
            pids.append(Int(try #require(pid.numberValue?.int64)))
            if pids.count >= 5 { try await Task.sleep(for: .milliseconds(10)) }
        }
        let first = try #require(pids.first)
        let second = try #require(pids.last)
        #expect(second != first)
        #expect(pids.firstIndex(of: second)! >= 5)
        #expect(pids.drop { $0 == first }.allSatisfy { $0 == second })
        try await harness.until("the first instance retired") { harness.backendLog().contains("exit \(first)") }
        // The replacement started before the old instance was told to stop.
        let log = harness.backendLog()
        let replacementStarted = try #require(log.range(of: "start \(second)"))
        let oldExited = try #require(log.range(of: "exit \(first)"))
        #expect(replacementStarted.lowerBound < oldExited.lowerBound)
        #expect(harness.snapshot()?.restarts == 0)
        try await harness.stop()
    }

    @Test func theProbeAsksRpcDiscoverAndKillsItsGroup() throws {
        let harness = try BackendHarness()
        let names = try BackendProbe.methodNames(
            harness.settings(),
            maxLineBytes: 1 << 20,
            daemonEnvironment: [:]
        ).get()
        #expect(names.contains("echo"))
        let pid = try #require(
            harness.backendLog().split(separator: "\n").first { $0.hasPrefix("start ") }.flatMap {
                Int32($0.dropFirst(6))
            }
        )
        #expect(kill(-pid, 0) == -1)
        let declared = BackendProbe.methodNames(
            harness.settings { $0.methods = ["math.*"] },
            maxLineBytes: 1 << 20,
            daemonEnvironment: [:]
        )
        #expect(try declared.get() == ["math.*"])
        let failing = BackendProbe.methodNames(
            harness.settings(mode: "exit") { $0.startTimeout = .seconds(2) },
            maxLineBytes: 1 << 20,
            daemonEnvironment: [:]
        )
        #expect(throws: BackendProbeError.self) { try failing.get() }
    }
}
