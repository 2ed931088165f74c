import Foundation
import TestSupport
import Testing

/// Listening on the IPv6 loopback `[::1]` (this machine has it; the test fails, not skips, when
/// it is missing, so that nobody mistakes a silent skip for a pass).
@Suite struct IPv6Tests {
    @Test func servesNDJSONLengthAndHTTPOnIPv6Loopback() throws {
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://[::1]:0,tcp://[::1]:0?framing=length,http://[::1]:0"
        )
        defer { daemon.kill() }

        for listener in listeners.all {
            #expect(listener.address.wholeMatch(of: /\[::1\]:\d+/) != nil, "\(listener)")
        }
        let ndjson = try listeners.ndjson()
        #expect(ndjson == .tcp(host: "::1", port: try #require(ndjson.port)))
        #expect(try LineClient(ndjson).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try LengthPrefixClient(listeners.length()).call(JSONRPCMessages.ping()) == JSONRPCMessages.pong())
        #expect(try HTTPClient(listeners.http()).post(JSONRPCMessages.ping()).bodyText == JSONRPCMessages.pong())
        // Bound to ::1 only: whatever may listen on 127.0.0.1 at that port is not this rpcd.
        let port = try #require(ndjson.port)
        if StreamSocket.canConnect(to: .tcp(host: "127.0.0.1", port: port)) {
            let other = try LineClient(host: "127.0.0.1", port: port)
            try other.send(JSONRPCMessages.request("test.pid", id: "1"))
            do {
                let reply = try other.readLine(timeout: .milliseconds(500))
                #expect(reply != JSONRPCMessages.result("\(daemon.pid)"), "the ::1 listener answered on 127.0.0.1")
            } catch let error as TestSupportError where error.code == .timedOut {
                // Silence is fine too: that listener is someone else's.
            }
        }
    }
}
