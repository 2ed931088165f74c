import Foundation
import Glibc
import TestSupport
import Testing

/// Stopping in single-process mode, where one process holds the listeners and the connections:
/// what ``ShutdownTests`` cannot check the same way in both modes.
@Suite struct SingleProcessShutdownTests {
    @Test func newConnectionsAreRefusedWhileDraining() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let endpoint = try listeners.ndjson()
        let busy = try LineClient(endpoint)
        try busy.startSleep(ms: 1500, id: 1)

        let mark = daemon.logLines.count
        daemon.signal(SIGTERM)
        // Every signal is logged (with its sender); once it is, the listener no longer serves.
        try daemon.waitForLog(after: mark) { $0.message == "signal received" }
        do {
            let late = try LineClient(endpoint)
            try late.send(JSONRPCMessages.ping(id: 2))
            #expect(try late.readLine(timeout: .seconds(2)) == nil, "a connection opened after SIGTERM was served")
        } catch let error as TestSupportError where error.code == .systemCall || error.code == .connectionClosed {
            // Connection refused (or reset): the listener is closed, as it should be.
        }
        #expect(try busy.readLine(timeout: .seconds(5)) == JSONRPCMessages.slept(ms: 1500, id: 1))
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")
    }

    @Test func httpRequestInFlightIsAnsweredDuringTheDrain() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0,tcp://127.0.0.1:0",
            environment: ["RPCD_SHUTDOWN_TIMEOUT": "10s", "RPCD_THREADS": "1"]
        )
        defer { daemon.kill() }
        let http = try HTTPClient(listeners.http())
        // A first exchange proves the connection is established and served.
        #expect(try http.post(JSONRPCMessages.ping()).status == 200)
        try http.sendRaw(
            http.encode(
                method: "POST",
                path: "/",
                headers: [("Content-Type", "application/json")],
                body: Array(JSONRPCMessages.sleep(ms: 800, id: 5).utf8)
            )
        )
        // With one event loop, an NDJSON call sent later and answered proves the loop has been
        // through the readiness of the HTTP connection, whose request reached the kernel first.
        let line = try LineClient(listeners.ndjson())
        try line.startSleep(ms: 600, id: 6)

        daemon.signal(SIGTERM)
        let response = try #require(try http.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == JSONRPCMessages.slept(ms: 800, id: 5))
        // Written while draining: it tells the client the connection ends here.
        #expect(response.announcesClose, "\(response)")
        #expect(try line.readLine() == JSONRPCMessages.slept(ms: 600, id: 6))
        #expect(try http.isClosedByPeer())
        let status = try daemon.waitForExit()
        #expect(status == .exited(0), "\(daemon.stderrText)")
    }
}
