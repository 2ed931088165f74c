import RPCDConfiguration
import RPCDTransport
import Testing

/// The names rpcd gives its listening sockets in systemd's fd store, and how the sockets the
/// store passes back are matched to `RPCD_LISTEN` at start (DESIGN §12).
@Suite struct ListeningSocketStoreTests {
    private static func endpoint(_ text: String) throws -> ListenEndpoint {
        try ListenEndpoint.parse(text)
    }

    private static func entry(_ endpoint: String, fd: Int32) throws -> ListeningSocketStore.Entry {
        let name = try #require(ListeningSocketStore.name(for: try Self.endpoint(endpoint)))
        return ListeningSocketStore.Entry(name: name, descriptor: fd, address: "a")
    }

    @Test(
        arguments: [
            ("tcp://127.0.0.1:7700", "listen=tcp%3A//127.0.0.1%3A7700"),
            ("http://127.0.0.1:7701", "listen=http%3A//127.0.0.1%3A7701"),
            ("tcp://[::1]:7700?framing=length", "listen=tcp%3A//[%3A%3A1]%3A7700?framing=length"),
            ("unix:/run/rpcd/x.sock?mode=0660", "listen=unix%3A/run/rpcd/x.sock?mode=0660"),
            ("unix:/tmp/100%.sock", "listen=unix%3A/tmp/100%25.sock"),
            ("unix:/tmp/café.sock", "listen=unix%3A/tmp/caf%C3%A9.sock"),
        ]
    )
    func namesAreTheEndpointTextAsSystemdTakesAnFDName(endpoint: String, expected: String) throws {
        let name = try #require(ListeningSocketStore.name(for: try Self.endpoint(endpoint)))
        #expect(name == expected)
        // systemd's fdname_is_valid: printable ASCII, no ':', at most 255 characters.
        #expect(name.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") })
        #expect(ListeningSocketStore.isStoredName(name))
    }

    @Test func aSocketUnitsNamesAreNotStoredNames() {
        for name in ["rpc", "http", "admin", "rpcd.socket", "http-local", "listen"] {
            #expect(!ListeningSocketStore.isStoredName(name), "\(name)")
        }
    }

    @Test func anEndpointTooLongForAnFDNameIsNotStored() throws {
        let path = "/" + String(repeating: "d/", count: 120) + "s.sock"
        #expect(ListeningSocketStore.name(for: ListenEndpoint(kind: .unix(path: path), framing: .ndjson)) == nil)
    }

    @Test func storedSocketsAreReusedByEndpointAndTheRestIsStale() throws {
        let ndjson = try Self.endpoint("tcp://127.0.0.1:7700")
        let http = try Self.endpoint("http://127.0.0.1:7701")
        let added = try Self.endpoint("tcp://127.0.0.1:7702")
        let stored = [
            try Self.entry("http://127.0.0.1:7701", fd: 3),
            try Self.entry("tcp://127.0.0.1:7700", fd: 4),
            try Self.entry("tcp://127.0.0.1:7799", fd: 5),
            // The same address with another framing is another endpoint.
            try Self.entry("tcp://127.0.0.1:7700?framing=length", fd: 6),
            try Self.entry("tcp://127.0.0.1:7700", fd: 7),
        ]
        let plan = ListeningSocketStore.plan(endpoints: [ndjson, http, added], stored: stored)
        #expect(plan.reused.mapValues(\.descriptor) == [0: 4, 1: 3])
        #expect(plan.stale.map(\.descriptor) == [5, 6])
        #expect(plan.duplicates.map(\.descriptor) == [7])
    }

    @Test func anEndpointConfiguredTwiceGetsOneStoredSocketEach() throws {
        let ephemeral = try Self.endpoint("tcp://127.0.0.1:0")
        let stored = [
            try Self.entry("tcp://127.0.0.1:0", fd: 3), try Self.entry("tcp://127.0.0.1:0", fd: 4),
            try Self.entry("tcp://127.0.0.1:0", fd: 5),
        ]
        let plan = ListeningSocketStore.plan(endpoints: [ephemeral, ephemeral], stored: stored)
        #expect(plan.reused.mapValues(\.descriptor) == [0: 3, 1: 4])
        #expect(plan.duplicates.map(\.descriptor) == [5])
        #expect(plan.stale.isEmpty)
    }

    @Test func aChangedUnixModeIsANewEndpoint() throws {
        let stored = [try Self.entry("unix:/run/x.sock?mode=0660", fd: 3)]
        let plan = ListeningSocketStore.plan(
            endpoints: [try Self.endpoint("unix:/run/x.sock?mode=0600")],
            stored: stored
        )
        #expect(plan.reused.isEmpty)
        #expect(plan.stale.map(\.descriptor) == [3])
    }

    @Test func nothingStoredMeansEveryEndpointIsBound() throws {
        let plan = ListeningSocketStore.plan(endpoints: [try Self.endpoint("tcp://127.0.0.1:7700")], stored: [])
        #expect(plan == ListeningSocketStore.Plan())
    }
}
