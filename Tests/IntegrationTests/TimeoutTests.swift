import TestSupport
import Testing

/// `RPCD_REQUEST_TIMEOUT` and `RPCD_IDLE_TIMEOUT`.
@Suite struct TimeoutTests {
    @Test func slowCallGetsRequestTimeoutWithItsId() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_REQUEST_TIMEOUT": "1s"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let started = ContinuousClock.now
        let reply = try client.call(JSONRPCMessages.sleep(ms: 5000, id: 7), timeout: .seconds(4))
        let elapsed = ContinuousClock.now - started
        #expect(JSONRPCErrorPattern(code: -32002, id: "7").matches(reply), "got \(reply)")
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(3), "answered after \(elapsed)")
        // The connection keeps serving, and a call within the limit is unaffected.
        #expect(try client.call(JSONRPCMessages.sleep(ms: 10, id: 8)) == JSONRPCMessages.slept(ms: 10, id: 8))
    }

    @Test func requestTimeoutInMilliseconds() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_REQUEST_TIMEOUT": "300ms"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let started = ContinuousClock.now
        let reply = try client.call(JSONRPCMessages.sleep(ms: 5000, id: 9), timeout: .seconds(3))
        #expect(JSONRPCErrorPattern(code: -32002, id: "9").matches(reply), "got \(reply)")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func requestTimeoutOverHTTP() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_REQUEST_TIMEOUT": "1s"]
        )
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let response = try client.post(JSONRPCMessages.sleep(ms: 5000, id: 3), timeout: .seconds(4))
        #expect(response.status == 200)
        #expect(JSONRPCErrorPattern(code: -32002, id: "3").matches(response.bodyText), "\(response)")
    }

    @Test func timedOutBatchElementDoesNotHoldTheOthers() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_REQUEST_TIMEOUT": "1s"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        let reply = try client.call(
            "[\(JSONRPCMessages.sleep(ms: 5000, id: 1)),\(JSONRPCMessages.ping(id: 2))]",
            timeout: .seconds(4)
        )
        let elements = try JSONArrayText.elements(of: reply)
        #expect(elements.count == 2)
        #expect(elements.contains(JSONRPCMessages.pong(id: 2)))
        #expect(elements.contains { JSONRPCErrorPattern(code: -32002, id: "1").matches($0) }, "got \(reply)")
    }

    @Test func idleConnectionIsClosedByTheServer() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_IDLE_TIMEOUT": "1s"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        #expect(try client.call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        let started = ContinuousClock.now
        #expect(try client.isClosedByPeer(timeout: .seconds(5)))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(700), "closed after \(elapsed)")
        #expect(client.connection.buffered.isEmpty)
    }

    @Test func connectionThatNeverSendsIsClosedToo() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0?framing=length",
            environment: ["RPCD_IDLE_TIMEOUT": "1s"]
        )
        defer { daemon.kill() }
        let client = try LengthPrefixClient(listeners.length())

        #expect(try client.isClosedByPeer(timeout: .seconds(5)))
    }

    @Test func idleTimeoutDoesNotCutACallInFlight() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0",
            environment: ["RPCD_IDLE_TIMEOUT": "1s", "RPCD_REQUEST_TIMEOUT": "10s"]
        )
        defer { daemon.kill() }
        let client = try LineClient(listeners.ndjson())

        #expect(
            try client.call(JSONRPCMessages.sleep(ms: 1800), timeout: .seconds(5)) == JSONRPCMessages.slept(ms: 1800)
        )
    }

    @Test func idleKeepAliveHTTPConnectionIsClosed() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "http://127.0.0.1:0",
            environment: ["RPCD_IDLE_TIMEOUT": "1s"]
        )
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        #expect(try client.post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
        #expect(try client.isClosedByPeer(timeout: .seconds(5)))
    }
}
