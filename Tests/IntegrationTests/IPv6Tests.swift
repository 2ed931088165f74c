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
        // Bound to ::1 only: the same port on 127.0.0.1 is not this listener.
        let port = try #require(ndjson.port)
        if StreamSocket.canConnect(to: .tcp(host: "127.0.0.1", port: port)) {
            let other = try LineClient(host: "127.0.0.1", port: port)
            try other.send(JSONRPCMessages.ping())
            #expect(try other.readLine(timeout: .milliseconds(500)) != JSONRPCMessages.pong(), "::1 listener answered on 127.0.0.1")
        }
    }
}
