import Foundation
import Glibc
import TestSupport
import Testing

/// `RPCD_AUTH_TOKEN_FILE` (DESIGN §9): HTTP needs `Authorization: Bearer TOKEN`, TCP stream
/// connections `rpc.authenticate` first, unix sockets nothing; failures are slowed down and the
/// third one on a stream connection closes it.
@Suite(.serialized) struct AuthenticationTests {
    static let token = "s3cret-token"

    private static func start(workers: Int) throws -> (RPCDProcess, Listeners, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "rpcd-auth")
        // A final newline, as an editor writes it, is not part of the token.
        let tokenFile = try directory.write("token", "\(Self.token)\n")
        let socket = directory.file("rpc.sock")
        let (daemon, listeners) = try RPCDProcess.start(
            listen: "tcp://127.0.0.1:0,http://127.0.0.1:0,unix:\(socket)",
            environment: ["RPCD_AUTH_TOKEN_FILE": tokenFile, "RPCD_WORKERS": "\(workers)"]
        )
        return (daemon, listeners, directory)
    }

    private static let sum = JSONRPCMessages.request("sum", params: "[1,2]")
    private static let three = JSONRPCMessages.result("3")

    @Test(arguments: [0, 1]) func httpNeedsTheBearerToken(workers: Int) throws {
        let (daemon, listeners, _) = try Self.start(workers: workers)
        defer { daemon.kill() }
        let client = try HTTPClient(listeners.http())

        let started = ContinuousClock.now
        let missing = try client.request(body: Self.sum)
        #expect(missing.status == 401, "\(missing)")
        #expect(ContinuousClock.now - started >= .milliseconds(200), "a failure is answered after a delay")
        #expect(missing.header("www-authenticate")?.hasPrefix("Bearer") == true, "\(missing)")
        #expect(missing.bodyText.contains(#""code":-32001"#), "\(missing.bodyText)")

        // The connection stays usable: a wrong token, then the right one.
        let wrong = try client.request(
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer nope")],
            body: Self.sum
        )
        #expect(wrong.status == 401)
        let right = try client.request(
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(Self.token)")],
            body: Self.sum
        )
        #expect(right.status == 200 && right.bodyText == Self.three, "\(right)")
        // The probes stay open.
        let health = try client.request(method: "GET", path: "/healthz", headers: [], body: nil)
        #expect(health.status == 200)
        #expect(daemon.logLines.contains { $0.message == "authentication failed" && $0["transport"] == "http" })
    }

    @Test(arguments: [0, 1]) func tcpStreamsAuthenticateFirstAndTheThirdFailureCloses(workers: Int) throws {
        let (daemon, listeners, _) = try Self.start(workers: workers)
        defer { daemon.kill() }

        let guesser = try LineClient(listeners.ndjson())
        let refused = try guesser.call(Self.sum)
        #expect(refused.contains(#""code":-32001"#) && refused.contains("rpc.authenticate"), "\(refused)")
        for attempt in 1...3 {
            let answer = try guesser.call(
                JSONRPCMessages.request("rpc.authenticate", params: #"{"token":"guess-\#(attempt)"}"#)
            )
            #expect(answer.contains(#""code":-32001"#), "attempt \(attempt): \(answer)")
        }
        #expect(try guesser.isClosedByPeer(), "the third failure closes the connection")

        let client = try LineClient(listeners.ndjson())
        let accepted = try client.call(
            JSONRPCMessages.request("rpc.authenticate", params: #"{"token":"\#(Self.token)"}"#)
        )
        #expect(accepted == JSONRPCMessages.result("true"))
        #expect(try client.call(Self.sum) == Self.three)
        #expect(daemon.logLines.contains { $0.message == "closing connection after failed authentications" })
    }

    @Test func unixSocketsNeedNoToken() throws {
        let (daemon, listeners, directory) = try Self.start(workers: 0)
        defer { daemon.kill() }
        // The directory (and the socket in it) lives as long as the test.
        defer { withExtendedLifetime(directory) {} }
        let unix = try #require(listeners.all.first { $0.address.hasPrefix("/") })
        let client = try LineClient(unix.socketEndpoint)
        #expect(try client.call(Self.sum) == Self.three)
        // rpc.authenticate is harmless there.
        let answer = try client.call(JSONRPCMessages.request("rpc.authenticate", params: #"{"token":"x"}"#))
        #expect(answer == JSONRPCMessages.result("true"))
    }

    @Test func anEmptyTokenFileIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-auth")
        let tokenFile = try directory.write("token", "\n")
        let daemon = try RPCDProcess(
            environment: ["RPCD_AUTH_TOKEN_FILE": tokenFile, "RPCD_LISTEN": "tcp://127.0.0.1:0"]
        )
        #expect(try daemon.waitForExit() == .exited(2))
        #expect(daemon.stderrText.contains("the token file \(tokenFile) is empty"), "\(daemon.stderrText)")
    }
}
