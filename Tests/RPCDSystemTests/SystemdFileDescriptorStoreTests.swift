import Glibc
import TestSupport
import Testing

@testable import RPCDSystem

/// The fd-store datagrams (`FDSTORE=1`, `FDSTOREREMOVE=1`) as systemd reads them, sent to a
/// stand-in for systemd's notification socket.
@Suite(.serialized) struct SystemdFileDescriptorStoreTests {
    @Test func theMessagesNameTheSocket() {
        #expect(
            SystemdNotifier.storeMessage(name: "listen=tcp%3A//127.0.0.1%3A7700")
                == "FDSTORE=1\nFDNAME=listen=tcp%3A//127.0.0.1%3A7700"
        )
        #expect(SystemdNotifier.storeRemovalMessage(name: "listen=x") == "FDSTOREREMOVE=1\nFDNAME=listen=x")
    }

    @Test func nothingIsSentOutsideSystemd() throws {
        let saved = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
        unsetenv("NOTIFY_SOCKET")
        defer { if let saved { setenv("NOTIFY_SOCKET", saved, 1) } }
        #expect(try SystemdNotifier.store(0, name: "listen=x") == false)
        #expect(try SystemdNotifier.removeFromStore(name: "listen=x") == false)
    }

    @Test func storingSendsTheDescriptorWithItsName() throws {
        let directory = try TemporaryDirectory(prefix: "rpcd-fdstore")
        let notify = try NotifySocket(path: directory.file("notify"))
        let saved = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
        setenv("NOTIFY_SOCKET", notify.path, 1)
        defer {
            if let saved { setenv("NOTIFY_SOCKET", saved, 1) } else { unsetenv("NOTIFY_SOCKET") }
        }
        let listener = try SocketCalls.listenTCP(host: "127.0.0.1", port: 0)
        defer { SocketCalls.close(listener) }

        #expect(try SystemdNotifier.store(listener, name: "listen=tcp%3A//127.0.0.1%3A0") == true)
        let stored = try #require(try notify.receive(timeout: .seconds(5)))
        #expect(stored["FDSTORE"] == "1")
        #expect(stored["FDNAME"] == "listen=tcp%3A//127.0.0.1%3A0")
        #expect(stored.senderPID == getpid())

        #expect(try SystemdNotifier.removeFromStore(name: "listen=tcp%3A//127.0.0.1%3A0") == true)
        let removed = try #require(try notify.receive(timeout: .seconds(5)))
        #expect(removed["FDSTOREREMOVE"] == "1")
        #expect(removed["FDNAME"] == "listen=tcp%3A//127.0.0.1%3A0")
    }
}
