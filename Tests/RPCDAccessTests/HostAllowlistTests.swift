import RPCDAccess
import Testing

@Suite struct HostAllowlistTests {
    static let port = 7701

    @Test(arguments: [
        // Default names, any case, without a port or with the listener's.
        ("localhost", true), ("LocalHost", true), ("localhost:7701", true), ("127.0.0.1", true),
        ("127.0.0.1:7701", true), ("[::1]", true), ("[::1]:7701", true), (" localhost ", true),
        // Another port, another name, or not a Host at all.
        ("localhost:7700", false), ("127.0.0.1:1", false), ("localhost6", false), ("0.0.0.0", false),
        ("evil.example", false), ("localhost.evil.example", false), ("::1", false), ("", false),
        ("localhost:", false), ("localhost:99999", false), ("localhost:77a1", false), ("[::1", false),
        ("127.0.0.2", false),
    ])
    func defaultList(host: String, admitted: Bool) {
        #expect(HostAllowlist.default.admits(host, listenerPort: Self.port) == admitted)
    }

    @Test func theConnectionsOwnAddressIsAdded() {
        let list = HostAllowlist.default.adding(address: "198.18.0.11")
        #expect(list.admits("198.18.0.11:7701", listenerPort: Self.port))
        #expect(!HostAllowlist.default.admits("198.18.0.11:7701", listenerPort: Self.port))
        let v6 = HostAllowlist.default.adding(address: "fd00::1")
        #expect(v6.admits("[FD00::1]:7701", listenerPort: Self.port))
        #expect(!v6.admits("fd00::1", listenerPort: Self.port))
    }

    @Test func aWrittenPortIsTheOnlyOne() {
        let list = HostAllowlist(["api.example:8080", "rpcd", "web.example:80"])
        #expect(list.admits("api.example:8080", listenerPort: Self.port))
        #expect(!list.admits("api.example", listenerPort: Self.port))
        #expect(!list.admits("api.example:7701", listenerPort: Self.port))
        #expect(list.admits("web.example", listenerPort: Self.port), "no port is port 80")
        #expect(list.admits("rpcd", listenerPort: Self.port))
        #expect(!list.admits("rpcd:8080", listenerPort: Self.port))
        #expect(!list.admits("localhost", listenerPort: Self.port), "a list replaces the defaults")
    }

    @Test func starAdmitsAnyWellFormedHost() {
        let list = HostAllowlist(["*"])
        #expect(list.admits("anything.example:1234", listenerPort: Self.port))
        #expect(!list.admits("", listenerPort: Self.port))
    }
}
