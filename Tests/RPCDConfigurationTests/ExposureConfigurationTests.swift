import RPCDConfiguration
import Testing

private func load(_ environment: [String: String]) throws(ConfigurationError) -> DaemonConfiguration {
    try ConfigurationLoader.load(flags: [:], environment: environment, currentDirectory: "/srv", host: testHost())
        .configuration
}

/// The exposure keys and the refusal of unauthenticated listeners other hosts can reach (DESIGN §11).
@Suite struct ExposureConfigurationTests {
    @Test(arguments: [
        ("tcp://0.0.0.0:7700", true), ("http://[::]:7701", true), ("tcp://192.168.1.5:7700?framing=length", true),
        ("http://rpc.example.com:80", true), ("tcp://127.0.0.1:7700", false), ("tcp://127.8.9.10:1", false),
        ("http://localhost:7701", false), ("http://[::1]:7701", false), ("unix:/run/rpcd.sock", false),
        ("tcp://128.0.0.1:1", true),
    ])
    func reachability(endpoint: String, reachable: Bool) throws {
        #expect(try ListenEndpoint.parse(endpoint).isReachableFromOtherHosts == reachable)
    }

    @Test(arguments: ["tcp://0.0.0.0:7700", "http://[::]:7701", "tcp://127.0.0.1:7700,http://10.1.2.3:7701"])
    func aReachableListenerWithoutCredentialIsRefused(listen: String) {
        #expect {
            try load(["RPCD_LISTEN": listen])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            let endpoint = try! ListenEndpoint.parseList(listen).first(where: \.isReachableFromOtherHosts)!
            return error.code == .unauthenticatedListener && error.message.contains("\(endpoint)")
                && error.message.contains("RPCD_ALLOW_UNAUTHENTICATED=1")
        }
    }

    @Test func theOptInServesIt() throws {
        let configuration = try load(["RPCD_LISTEN": "tcp://0.0.0.0:7700", "RPCD_ALLOW_UNAUTHENTICATED": "1"])
        #expect(configuration.allowUnauthenticated)
        #expect(configuration.unauthenticatedExposure(of: configuration.listen) == nil)
    }

    @Test func aCredentialServesIt() throws {
        var configuration = try load([:])
        let reachable = [try ListenEndpoint.parse("http://0.0.0.0:7701")]
        #expect(!configuration.hasCredential)
        #expect(configuration.unauthenticatedExposure(of: reachable)?.hasPrefix("http://0.0.0.0:7701 ") == true)
        configuration.authTokenFile = "/etc/rpcd/token"
        #expect(configuration.hasCredential)
        #expect(configuration.unauthenticatedExposure(of: reachable) == nil)
    }

    @Test func hostsAndOriginsAreKeptInLowerCase() throws {
        let configuration = try load([
            "RPCD_HTTP_ALLOWED_HOSTS": " RPCD , api.example:8080,[::1]:7701,*",
            "RPCD_HTTP_ALLOWED_ORIGINS": "https://App.example,http://localhost:8080",
        ])
        #expect(configuration.httpAllowedHosts == ["rpcd", "api.example:8080", "[::1]:7701", "*"])
        #expect(configuration.httpAllowedOrigins == ["https://app.example", "http://localhost:8080"])
    }

    @Test(arguments: [
        ("RPCD_HTTP_ALLOWED_HOSTS", ""), ("RPCD_HTTP_ALLOWED_HOSTS", "::1"), ("RPCD_HTTP_ALLOWED_HOSTS", "a b"),
        ("RPCD_HTTP_ALLOWED_HOSTS", "host:99999"), ("RPCD_HTTP_ALLOWED_HOSTS", "http://host"),
        ("RPCD_HTTP_ALLOWED_ORIGINS", "null"), ("RPCD_HTTP_ALLOWED_ORIGINS", "app.example"),
        ("RPCD_HTTP_ALLOWED_ORIGINS", "https://app.example/"), ("RPCD_HTTP_ALLOWED_ORIGINS", "ftp://app.example"),
        ("RPCD_HTTP_ALLOWED_ORIGINS", "https://*"), ("RPCD_ALLOW_UNAUTHENTICATED", "maybe"),
    ])
    func badValuesAreRefused(key: String, value: String) {
        #expect {
            try load([key: value])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.code == .invalidValue && error.message.hasPrefix("\(key)='\(value)': ")
        }
    }
}
