import RPCDConfiguration
import Testing

@Suite("ListenEndpoint")
struct ListenEndpointTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var kind: ListenEndpoint.Kind
        var framing: ListenEndpoint.Framing
        var mode: UInt16? = nil
        var canonical: String
        var testDescription: String { self.text }
    }

    static let valid: [Valid] = [
        Valid(
            text: "tcp://127.0.0.1:7700",
            kind: .tcp(host: "127.0.0.1", port: 7700),
            framing: .ndjson,
            canonical: "tcp://127.0.0.1:7700"
        ),
        Valid(
            text: "tcp://127.0.0.1:7700?framing=length",
            kind: .tcp(host: "127.0.0.1", port: 7700),
            framing: .length,
            canonical: "tcp://127.0.0.1:7700?framing=length"
        ),
        Valid(
            text: "tcp://0.0.0.0:0?framing=ndjson",
            kind: .tcp(host: "0.0.0.0", port: 0),
            framing: .ndjson,
            canonical: "tcp://0.0.0.0:0"
        ),
        Valid(
            text: "TCP://LocalHost:65535",
            kind: .tcp(host: "localhost", port: 65535),
            framing: .ndjson,
            canonical: "tcp://localhost:65535"
        ),
        Valid(
            text: "tcp://rpc-1.example.com:80",
            kind: .tcp(host: "rpc-1.example.com", port: 80),
            framing: .ndjson,
            canonical: "tcp://rpc-1.example.com:80"
        ),
        Valid(
            text: "tcp://[::1]:7700",
            kind: .tcp(host: "::1", port: 7700),
            framing: .ndjson,
            canonical: "tcp://[::1]:7700"
        ),
        Valid(
            text: "http://[::]:0",
            kind: .tcp(host: "::", port: 0),
            framing: .http,
            canonical: "http://[::]:0"
        ),
        Valid(
            text: "http://[FE80::1:2:3:4]:8080",
            kind: .tcp(host: "fe80::1:2:3:4", port: 8080),
            framing: .http,
            canonical: "http://[fe80::1:2:3:4]:8080"
        ),
        Valid(
            text: "tcp://[::ffff:192.0.2.1]:1",
            kind: .tcp(host: "::ffff:192.0.2.1", port: 1),
            framing: .ndjson,
            canonical: "tcp://[::ffff:192.0.2.1]:1"
        ),
        Valid(
            text: "tcp://[2001:db8:0:0:0:0:0:1]:1",
            kind: .tcp(host: "2001:db8:0:0:0:0:0:1", port: 1),
            framing: .ndjson,
            canonical: "tcp://[2001:db8:0:0:0:0:0:1]:1"
        ),
        Valid(
            text: "unix:/run/rpcd/http.sock?framing=http&mode=0660",
            kind: .unix(path: "/run/rpcd/http.sock"),
            framing: .http,
            mode: 0o660,
            canonical: "unix:/run/rpcd/http.sock?mode=0660&framing=http"
        ),
        Valid(
            text: "http://127.0.0.1:7701",
            kind: .tcp(host: "127.0.0.1", port: 7701),
            framing: .http,
            canonical: "http://127.0.0.1:7701"
        ),
        Valid(
            text: "unix:/run/rpcd/rpc.sock",
            kind: .unix(path: "/run/rpcd/rpc.sock"),
            framing: .ndjson,
            canonical: "unix:/run/rpcd/rpc.sock"
        ),
        Valid(
            text: "unix:/run/rpcd/rpc.sock?mode=0660",
            kind: .unix(path: "/run/rpcd/rpc.sock"),
            framing: .ndjson,
            mode: 0o660,
            canonical: "unix:/run/rpcd/rpc.sock?mode=0660"
        ),
        Valid(
            text: "unix:/tmp/Mixed Case.sock?framing=length&mode=600",
            kind: .unix(path: "/tmp/Mixed Case.sock"),
            framing: .length,
            mode: 0o600,
            canonical: "unix:/tmp/Mixed Case.sock?mode=0600&framing=length"
        ),
    ]

    @Test("parses valid endpoints", arguments: Self.valid)
    func parsesValid(_ example: Valid) throws {
        let endpoint = try ListenEndpoint.parse(example.text)
        #expect(endpoint.kind == example.kind)
        #expect(endpoint.framing == example.framing)
        #expect(endpoint.unixMode == example.mode)
        #expect(endpoint.description == example.canonical)
        #expect(try ListenEndpoint.parse(endpoint.description) == endpoint)
    }

    @Test(
        "role follows framing",
        arguments: [
            ("tcp://127.0.0.1:1", "ndjson"), ("tcp://127.0.0.1:1?framing=length", "length"),
            ("http://127.0.0.1:1", "http"), ("unix:/a.sock", "ndjson"), ("unix:/a.sock?framing=length", "length"),
            ("https://127.0.0.1:1", "https"), ("tls://127.0.0.1:1", "tls"),
            ("tls://127.0.0.1:1?framing=length", "tls-length"),
        ]
    )
    func role(_ text: String, _ role: String) throws {
        #expect(try ListenEndpoint.parse(text).role == role)
    }

    @Test(
        "TLS endpoints round-trip",
        arguments: [
            ("TLS://127.0.0.1:7443", "tls://127.0.0.1:7443", ListenEndpoint.Framing.ndjson),
            ("tls://[::1]:0?framing=length", "tls://[::1]:0?framing=length", .length),
            ("HTTPS://LocalHost:7443", "https://localhost:7443", .http),
        ]
    )
    func tls(_ text: String, _ canonical: String, _ framing: ListenEndpoint.Framing) throws {
        let endpoint = try ListenEndpoint.parse(text)
        #expect(endpoint.tls && endpoint.framing == framing)
        #expect(endpoint.description == canonical)
        #expect(try ListenEndpoint.parse(canonical) == endpoint)
        #expect(try ListenEndpoint.parse(canonical.replacingTLS()) != endpoint, "the plaintext twin differs")
        #expect(throws: ListenEndpointError.self) { try ListenEndpoint.parse("https://127.0.0.1:1?framing=length") }
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var code: ListenEndpointError.Code
        var message: String
        var testDescription: String { self.text }
    }

    static let invalid: [Invalid] = [
        Invalid(
            text: "127.0.0.1:7700",
            code: .invalidSyntax,
            message: "invalid endpoint '127.0.0.1:7700': expected tcp://HOST:PORT, unix:/PATH, http://HOST:PORT, "
                + "tls://HOST:PORT or https://HOST:PORT"
        ),
        Invalid(
            text: "udp://127.0.0.1:7700",
            code: .invalidSyntax,
            message: "invalid endpoint 'udp://127.0.0.1:7700': expected tcp://HOST:PORT, unix:/PATH, http://HOST:PORT, "
                + "tls://HOST:PORT or https://HOST:PORT"
        ),
        Invalid(text: "", code: .invalidSyntax, message: "invalid endpoint '': expected tcp://HOST:PORT"),
        Invalid(
            text: "tcp://127.0.0.1",
            code: .invalidPort,
            message: "invalid endpoint 'tcp://127.0.0.1': missing :PORT"
        ),
        Invalid(
            text: "tcp://127.0.0.1:65536",
            code: .invalidPort,
            message: "port must be a number from 0 to 65535, not '65536'"
        ),
        Invalid(text: "tcp://127.0.0.1:-1", code: .invalidPort, message: "not '-1'"),
        Invalid(text: "tcp://127.0.0.1:+80", code: .invalidPort, message: "not '+80'"),
        Invalid(text: "tcp://127.0.0.1:", code: .invalidPort, message: "not ''"),
        Invalid(text: "tcp://127.0.0.1:http", code: .invalidPort, message: "not 'http'"),
        Invalid(text: "tcp://:7700", code: .invalidHost, message: "missing host"),
        Invalid(text: "tcp://::1:7700", code: .invalidHost, message: "IPv6 address goes in brackets"),
        Invalid(text: "tcp://[::1:7700", code: .invalidHost, message: "missing ']'"),
        Invalid(text: "tcp://[::1]7700", code: .invalidPort, message: "expected :PORT after ']'"),
        Invalid(text: "tcp://[1::2::3]:1", code: .invalidHost, message: "'1::2::3' is not an IPv6 address"),
        Invalid(text: "tcp://[12345::]:1", code: .invalidHost, message: "not an IPv6 address"),
        Invalid(text: "tcp://[1:2:3:4:5:6:7]:1", code: .invalidHost, message: "not an IPv6 address"),
        Invalid(text: "tcp://[fe80::1%eth0]:1", code: .invalidHost, message: "not an IPv6 address"),
        Invalid(text: "tcp://256.1.1.1:1", code: .invalidHost, message: "not a host name or an IPv4 address"),
        Invalid(text: "tcp://1.2.3:1", code: .invalidHost, message: "not a host name or an IPv4 address"),
        Invalid(text: "tcp://01.2.3.4:1", code: .invalidHost, message: "not a host name or an IPv4 address"),
        Invalid(text: "tcp://bad_host:1", code: .invalidHost, message: "'bad_host' is not a host name"),
        Invalid(text: "tcp://-a.example:1", code: .invalidHost, message: "not a host name"),
        Invalid(text: "http://127.0.0.1:80/rpc", code: .invalidSyntax, message: "an endpoint has no path"),
        Invalid(
            text: "tcp://127.0.0.1:1?framing=http",
            code: .invalidOption,
            message: "framing must be ndjson or length"
        ),
        Invalid(text: "tcp://127.0.0.1:1?mode=0660", code: .invalidOption, message: "unknown option 'mode'"),
        Invalid(text: "tcp://127.0.0.1:1?framing", code: .invalidOption, message: "expected options like ?name=value"),
        Invalid(
            text: "tcp://127.0.0.1:1?framing=length&framing=ndjson",
            code: .invalidOption,
            message: "option 'framing' is given twice"
        ),
        Invalid(text: "http://127.0.0.1:1?framing=length", code: .invalidOption, message: "takes no options"),
        Invalid(text: "unix:relative.sock", code: .invalidSyntax, message: "must be absolute"),
        Invalid(text: "unix:", code: .invalidSyntax, message: "must be absolute"),
        Invalid(text: "unix:/a.sock?mode=0999", code: .invalidOption, message: "mode must be octal"),
        Invalid(text: "unix:/a.sock?mode=07777", code: .invalidOption, message: "mode must be octal"),
        Invalid(text: "unix:/a.sock?mode=66", code: .invalidOption, message: "mode must be octal"),
        Invalid(text: "unix:/a.sock?owner=root", code: .invalidOption, message: "unknown option 'owner'"),
        Invalid(
            text: "unix:/" + String(repeating: "x", count: 107),
            code: .invalidSyntax,
            message: "at most 107 bytes"
        ),
    ]

    @Test("refuses invalid endpoints with a precise message", arguments: Self.invalid)
    func refusesInvalid(_ example: Invalid) {
        #expect {
            try ListenEndpoint.parse(example.text)
        } throws: { error in
            guard let error = error as? ListenEndpointError else {
                return false
            }
            return error.code == example.code && error.message.contains(example.message)
                && error.message.hasPrefix("invalid endpoint '\(example.text)': ")
        }
    }

    @Test("the longest unix path fits")
    func longestUnixPath() throws {
        let path = "/" + String(repeating: "x", count: 106)
        #expect(try ListenEndpoint.parse("unix:\(path)").kind == .unix(path: path))
    }

    @Test("parses a list in order, ignoring blanks around entries")
    func parsesList() throws {
        let endpoints = try ListenEndpoint.parseList(" tcp://127.0.0.1:7700 ,\thttp://127.0.0.1:7701,unix:/a.sock ")
        #expect(endpoints.map(\.description) == ["tcp://127.0.0.1:7700", "http://127.0.0.1:7701", "unix:/a.sock"])
    }

    @Test("ephemeral ports may repeat")
    func ephemeralPortsRepeat() throws {
        #expect(try ListenEndpoint.parseList("tcp://127.0.0.1:0,http://127.0.0.1:0").count == 2)
    }

    @Test(
        "refuses bad lists",
        arguments: [
            ("", ListenEndpointError.Code.empty, "no endpoint given"),
            (" , ", .empty, "no endpoint given"),
            ("tcp://127.0.0.1:1,", .empty, "empty entry in the list 'tcp://127.0.0.1:1,'"),
            ("tcp://127.0.0.1:1,,tcp://127.0.0.1:2", .empty, "empty entry"),
            (
                "tcp://127.0.0.1:1,http://127.0.0.1:1", .duplicate,
                "endpoint 'http://127.0.0.1:1' listens on the same address as 'tcp://127.0.0.1:1'"
            ),
            ("unix:/a.sock,unix:/a.sock?mode=0600", .duplicate, "same address"),
            ("tcp://127.0.0.1:1,nonsense", .invalidSyntax, "invalid endpoint 'nonsense'"),
        ]
    )
    func refusesBadLists(_ text: String, _ code: ListenEndpointError.Code, _ message: String) {
        #expect {
            try ListenEndpoint.parseList(text)
        } throws: { error in
            guard let error = error as? ListenEndpointError else {
                return false
            }
            return error.code == code && error.message.contains(message)
        }
    }
}

extension String {
    fileprivate func replacingTLS() -> String {
        self.hasPrefix("https://") ? "http://" + self.dropFirst(8) : "tcp://" + self.dropFirst(6)
    }
}
