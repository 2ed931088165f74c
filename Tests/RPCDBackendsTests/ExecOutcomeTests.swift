import JSONRPC
import RPCDBackends
import RPCDSystem
import Testing

@Suite("exec method outcome rules (DESIGN §10.1)")
struct ExecOutcomeTests {
    private func map(
        _ status: RPCDSystem.ExitStatus?,
        _ stdout: String,
        stderr: String? = nil
    ) -> Result<JSONValue, JSONRPCError> {
        ExecOutcome.map(
            ExecCompletion(status: status, standardOutput: Array(stdout.utf8), lastErrorLine: stderr),
            maxOutput: 100
        )
    }

    private func reason(_ outcome: Result<JSONValue, JSONRPCError>) -> String? {
        guard case .failure(let error) = outcome, error.code == -32006, case .object(let data)? = error.data else {
            return nil
        }
        return data["reason"]?.stringValue
    }

    @Test("exit 0: one JSON value, or null for empty output")
    func success() throws {
        #expect(
            try map(.exited(0), " {\"a\": [1, 2]}\n").get() == .object(JSONObject([("a", .array([.int(1), .int(2)]))]))
        )
        #expect(try map(.exited(0), "").get() == .null)
        #expect(try map(.exited(0), " \n").get() == .null)
        #expect(reason(map(.exited(0), "hello")) == "invalid JSON on stdout")
        #expect(reason(map(.exited(0), "1 2")) == "invalid JSON on stdout")
    }

    @Test("non-zero exit with a JSON error object")
    func errorObject() {
        guard case .failure(let error) = map(.exited(3), "{\"code\": 42, \"message\": \"no\", \"data\": [1]}") else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == 42)
        #expect(error.message == "no")
        #expect(error.data == .array([.int(1)]))
    }

    @Test("a reserved code becomes -32000 with the original in data.code")
    func reservedCode() {
        guard case .failure(let error) = map(.exited(1), "{\"code\": -32601, \"message\": \"x\"}") else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == -32000)
        #expect(error.data == .object(JSONObject([("code", .int(-32601))])))
    }

    @Test("non-zero exit without an error object: the last stderr line and exit_status")
    func plainFailure() {
        guard case .failure(let error) = map(.exited(2), "oops", stderr: "it broke") else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == -32000)
        #expect(error.message == "it broke")
        #expect(error.data == .object(JSONObject([("exit_status", .int(2))])))
        guard case .failure(let long) = map(.exited(2), "", stderr: String(repeating: "x", count: 300)) else { return }
        #expect(long.message.count == 200)
    }

    @Test("signals and overflow are -32006 with a reason")
    func backendFailures() {
        #expect(reason(map(.signaled(9, coreDumped: false), "")) == "killed by signal SIGKILL")
        let overflow = ExecOutcome.map(
            ExecCompletion(status: .signaled(9, coreDumped: false), standardOutput: [], outputOverflowed: true),
            maxOutput: 100
        )
        #expect(reason(overflow) == "output over 100 bytes")
    }

    @Test("admission: concurrency plus queue, then refused")
    func admission() {
        var admission = ExecAdmission(concurrency: 2, queue: 1)
        let first = [admission.admit(), admission.admit(), admission.admit()]
        #expect(first == [true, true, true])
        #expect(admission.running == 2 && admission.waiting == 1)
        let fourth = admission.admit()
        #expect(!fourth)
        admission.finish()
        let fifth = admission.admit()
        #expect(fifth)
    }
}
