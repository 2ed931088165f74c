import RPCDConfiguration
import RPCDDaemon
import TestSupport
import Testing

@Suite("The configuration host of this machine")
struct ConfigurationHostTests {
    @Test("the real host answers")
    func currentHost() throws {
        let host = ConfigurationLoader.Host.current
        #expect(host.onlineCPUs >= 1)
        #expect(host.defaultConfigFile == "/etc/rpcd/rpcd.env")
        #expect(host.groupExists("root"))
        #expect(host.groupExists("0"))
        #expect(!host.groupExists("no-such-group-for-rpcd-tests"))
        // UserDatabase's rule: a numeric RPCD_ADMIN_GROUP is the gid itself, named or not.
        #expect(host.groupExists("4242"))
        #expect(host.fileExists("/"))
        #expect(!host.fileExists("/nonexistent/rpcd-test"))
        #expect(host.unreadableReason("/nonexistent/rpcd-test") == "No such file or directory")
        #expect(host.defaultAdminSocket([:], 0, 0) == "/run/rpcd/admin.sock")
        #expect(host.privateRuntimeDirectory([:], 1000, 1000) == "/tmp/rpcd-1000")
    }

    @Test("the real host reads files, bounded, and says why it cannot")
    func readFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("rpcd.env", "RPCD_WORKERS=2\n")
        let host = ConfigurationLoader.Host.current
        #expect(try host.readFile(path, 1024) == Array("RPCD_WORKERS=2\n".utf8))
        #expect(try host.readFile(path, 4).count == 5)
        #expect {
            try host.readFile(directory.file("absent.env"), 1024)
        } throws: { error in
            let error = error as? ConfigurationLoader.Host.ReadError
            return error?.code == .notFound && error?.reason == "No such file or directory"
        }
        #expect {
            try host.readFile(directory.path, 1024)
        } throws: { error in
            (error as? ConfigurationLoader.Host.ReadError)?.code == .unreadable
        }
    }
}
