import RPCDAdmin
import Testing

@Suite("RPC endpoints for call")
struct RPCEndpointTests {
    @Test(
        "URLs",
        arguments: [
            ("tcp://127.0.0.1:7700", RPCEndpoint.stream(.tcp(host: "127.0.0.1", port: 7700), .ndjson)),
            ("tcp://[::1]:7700", .stream(.tcp(host: "::1", port: 7700), .ndjson)),
            ("tcp://localhost:1?framing=length", .stream(.tcp(host: "localhost", port: 1), .length)),
            ("unix:/run/rpcd/rpc.sock", .stream(.unix(path: "/run/rpcd/rpc.sock"), .ndjson)),
            ("unix:/run/rpcd/rpc.sock?mode=0660", .stream(.unix(path: "/run/rpcd/rpc.sock"), .ndjson)),
            ("http://127.0.0.1:7701", .http(host: "127.0.0.1", port: 7701, path: "/")),
            ("http://[::1]:7701/rpc", .http(host: "::1", port: 7701, path: "/rpc")),
            ("127.0.0.1:7700", .stream(.tcp(host: "127.0.0.1", port: 7700), .ndjson)),
            ("/tmp/x.sock", .stream(.unix(path: "/tmp/x.sock"), .ndjson)),
        ]
    )
    func parses(_ text: String, _ expected: RPCEndpoint) {
        #expect(RPCEndpoint(url: text) == expected)
    }

    @Test(
        "TLS URLs wrap the plain endpoint and print back as given",
        arguments: [
            ("tls://127.0.0.1:7443", RPCEndpoint.tls(.stream(.tcp(host: "127.0.0.1", port: 7443), .ndjson))),
            ("tls://[::1]:7443?framing=length", .tls(.stream(.tcp(host: "::1", port: 7443), .length))),
            ("https://localhost:7443/rpc", .tls(.http(host: "localhost", port: 7443, path: "/rpc"))),
        ]
    )
    func parsesTLS(_ text: String, _ expected: RPCEndpoint) {
        #expect(RPCEndpoint(url: text) == expected)
        #expect(expected.description == text)
        #expect(expected.plain.tls)
        #expect(RPCEndpoint(url: "tls://host") == nil && RPCEndpoint(url: "https://") == nil)
    }

    @Test(
        "not URLs",
        arguments: [
            "", "tcp://", "tcp://host", "tcp://:80", "tcp://::1:80", "tcp://h:99999", "unix:relative", "ftp://x:1", "x",
        ]
    )
    func rejects(_ text: String) {
        #expect(RPCEndpoint(url: text) == nil)
    }

    @Test(
        "listener addresses from status, wildcards reached over loopback",
        arguments: [
            ("127.0.0.1:40000", RPCEndpoint.stream(.tcp(host: "127.0.0.1", port: 40000), .ndjson)),
            ("[::1]:40000", .stream(.tcp(host: "::1", port: 40000), .ndjson)),
            ("0.0.0.0:7700", .stream(.tcp(host: "127.0.0.1", port: 7700), .ndjson)),
            ("[::]:7700", .stream(.tcp(host: "::1", port: 7700), .ndjson)),
            ("/run/rpcd/rpc.sock", .stream(.unix(path: "/run/rpcd/rpc.sock"), .ndjson)),
        ]
    )
    func listenerAddress(_ address: String, _ expected: RPCEndpoint) {
        #expect(RPCEndpoint(listenerAddress: address) == expected)
    }

    @Test("description is a URL again")
    func description() {
        #expect(RPCEndpoint(url: "tcp://[::1]:7700")?.description == "tcp://[::1]:7700")
        #expect(RPCEndpoint(url: "unix:/a.sock")?.description == "unix:/a.sock")
        #expect(RPCEndpoint(url: "http://127.0.0.1:1")?.description == "http://127.0.0.1:1/")
    }
}
