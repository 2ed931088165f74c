import Foundation
import Glibc
import TestSupport
import Testing

/// Exec methods across reloads (DESIGN §10): each generation rescans `RPCD_METHODS_DIR`; a
/// reload that would define a name twice is refused and the old generation keeps serving.
@Suite struct ExecMethodReloadTests {
    @Test("a reload adds and removes methods; a clash is refused and the old generation serves")
    func reload() throws {
        let directory = try ExecMethodTests.methodsDirectory(["first": "echo 1"])
        let (daemon, listeners) = try RPCDProcess.startMaster(
            workers: 1,
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_METHODS_DIR": directory.path]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        #expect(try LineClient(endpoint).call(#"{"jsonrpc":"2.0","method":"first","id":1}"#).contains("\"result\":1"))

        // Add one, remove the other.
        try ExecMethodTests.writeScript(directory.file("second"), "echo 2")
        #expect(unlink(directory.file("first")) == 0)
        let result = try daemon.admin.run(["reload"])
        #expect(result.exitCode == 0, "\(result)")
        _ = try daemon.admin.waitForWorkers(what: "one worker of generation 2") { workers in
            workers.count == 1 && workers.allSatisfy { $0.generation == 2 && $0.state == "ready" }
        }
        let client = try LineClient(endpoint)
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"second","id":2}"#).contains("\"result\":2"))
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"first","id":3}"#).contains("-32601"))

        // A clash with a built-in: refused, generation 2 keeps serving.
        try ExecMethodTests.writeScript(directory.file("echo"), "exec cat")
        let refused = try daemon.admin.run(["reload"])
        #expect(refused.exitCode != 0, "\(refused)")
        #expect(
            refused.stderr.contains("'echo' is defined twice") || refused.stdout.contains("'echo' is defined twice")
        )
        #expect(try daemon.admin.status().generation == 2)
        #expect(try client.call(#"{"jsonrpc":"2.0","method":"second","id":4}"#).contains("\"result\":2"))
    }
}
