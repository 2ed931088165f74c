import JSONRPC
import RPCDBackends
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1))) struct BackendFailureTests {
    /// Waits until the pool's instance is another process than `pid` and ready.
    func awaitReplacement(of pid: Int32, _ harness: BackendHarness) async throws -> Int32 {
        try await harness.until("a ready instance other than \(pid)", timeout: .seconds(10)) {
            guard let snapshot = harness.snapshot(), snapshot.readyInstances == 1,
                let process = snapshot.processes.first(where: { $0.state == "ready" }), process.pid != pid
            else { return nil }
            return process.pid
        }
    }

    @Test func aGarbageLineFailsEveryHeldCallAndTheInstanceIsRestarted() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings { $0.concurrency = 2 }])
        let pid = try #require(harness.snapshot()?.processes.first?.pid)
        async let held = harness.error("never")
        try await Task.sleep(for: .milliseconds(100))
        let error = try #require(await harness.error("garbage"))
        #expect(error.code == JSONRPCErrorCode.backendFailed)
        #expect(error.data?["backend"] == "py")
        #expect(error.data?["reason"] == "invalid JSON")
        // Killed (signal 9), unless it saw its stdin close and exited first.
        #expect(error.data?["signal"] == 9 || error.data?["exit_status"] != nil, "\(error)")
        #expect(await held == error)
        #expect(kill(pid, 0) != 0)
        _ = try await awaitReplacement(of: pid, harness)
        #expect(try await harness.call("echo", [1]) == [1])
        #expect(harness.snapshot()?.restarts == 1)
        try await harness.stop()
    }

    @Test func anAnswerToAnIdNeverGivenIsAProtocolViolation() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings()])
        let error = try #require(await harness.error("wrongid"))
        #expect(error.code == JSONRPCErrorCode.backendFailed)
        #expect(error.data?["reason"]?.stringValue?.contains("which it was not given") == true)
        try await harness.stop()
    }

    @Test func aLineOverTheCapIsAProtocolViolation() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings()], maxLineBytes: 1000)
        let error = try #require(await harness.error("huge"))
        #expect(error.code == JSONRPCErrorCode.backendFailed)
        #expect(error.data?["reason"] == "a line over 1000 bytes")
        try await harness.stop()
    }

    @Test func aBackendThatExitsAtStartIsRestartedWithBackoff() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings(mode: "exit") { $0.methods = ["echo"] }])
        try await Task.sleep(for: .seconds(2))
        // At once, then 100, 200, 400, 800 ms...: a handful in two seconds, not hundreds.
        let restarts = try #require(harness.snapshot()?.restarts)
        #expect((3...9).contains(restarts))
        let starts = harness.backendLog().split(separator: "\n").count { $0.hasPrefix("start ") }
        // Every restart ran the program (the last one may not have written its line yet).
        #expect((restarts...(restarts + 1)).contains(starts))
        try await harness.stop()
    }

    @Test func callsWaitingForABackendThatNeverRunsGetUnavailableAfterTheStartTimeout() async throws {
        let harness = try BackendHarness()
        // Long enough to tell "waited for it" from "refused at once" on a loaded test machine.
        var settings = harness.settings { ($0.methods, $0.startTimeout) = (["echo"], .seconds(3)) }
        settings.command = [harness.directory.file("missing-program")]
        await harness.start([settings])
        let started = ContinuousClock.now
        let error = try #require(await harness.error("echo"))
        #expect(error.code == JSONRPCErrorCode.serverBusy)
        #expect(error.data?["reason"] == "unavailable")
        #expect(ContinuousClock.now - started >= .seconds(2))
        // Still nothing runs: refused at once now, without waiting START_TIMEOUT again.
        let again = ContinuousClock.now
        #expect(await harness.error("echo")?.data?["reason"] == "unavailable")
        #expect(ContinuousClock.now - again < .seconds(2))
        try await harness.stop()
    }

    @Test func aCallPastItsDeadlineTimesOutTheBackendHearsCancelAndIsKilledTwoSecondsLater() async throws {
        let harness = try BackendHarness()
        await harness.start([harness.settings { $0.timeout = .milliseconds(300) }])
        let pid = try #require(harness.snapshot()?.processes.first?.pid)
        let started = ContinuousClock.now
        #expect(await harness.error("never") == .requestTimeout)
        try await harness.until("$/cancelRequest at the backend") {
            harness.receivedRequests().contains { $0["method"] == "$/cancelRequest" && $0["params"]?["id"] == 2 }
        }
        _ = try await awaitReplacement(of: pid, harness)
        #expect(ContinuousClock.now - started >= .seconds(2))
        #expect(try await harness.call("echo", [1]) == [1])
        try await harness.stop()
    }
}
