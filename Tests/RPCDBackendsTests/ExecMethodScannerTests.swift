import RPCDBackends
import RPCDSystem
import Testing

@Suite("exec method scanner rules (DESIGN §10.1)")
struct ExecMethodScannerTests {
    @Test("method names", arguments: ["greet", "math.add", "a-b_c", "_x", "9"])
    func validNames(_ name: String) {
        #expect(ExecMethodScanner.isMethodName(name))
    }

    @Test(
        "ignored names",
        arguments: [".hidden", "greet~", "greet.dpkg-old", "greet.dpkg-dist", "greet.rpmnew", "-x", "a b", ""]
    )
    func ignoredNames(_ name: String) {
        #expect(!ExecMethodScanner.isMethodName(name))
    }

    @Test("verdicts on file facts")
    func verdicts() {
        let owners: Set<UInt32> = [0, 1000]
        #expect(ExecMethodScanner.verdict(FileFacts(mode: 0o100755, ownerUID: 0), allowedOwners: owners) == .method)
        #expect(ExecMethodScanner.verdict(FileFacts(mode: 0o100700, ownerUID: 1000), allowedOwners: owners) == .method)
        #expect(ExecMethodScanner.verdict(FileFacts(mode: 0o100644, ownerUID: 0), allowedOwners: owners) == .ignored)
        #expect(ExecMethodScanner.verdict(FileFacts(mode: 0o040755, ownerUID: 0), allowedOwners: owners) == .ignored)
        #expect(
            ExecMethodScanner.verdict(FileFacts(mode: 0o100757, ownerUID: 0), allowedOwners: owners)
                == .refused("world-writable")
        )
        #expect(
            ExecMethodScanner.verdict(FileFacts(mode: 0o100775, ownerUID: 0), allowedOwners: owners)
                == .refused("group-writable")
        )
        #expect(
            ExecMethodScanner.verdict(FileFacts(mode: 0o100755, ownerUID: 42), allowedOwners: owners)
                == .refused("owned by uid 42, not root or rpcd")
        )
    }
}
