public import Foundation

/// Locates the executables under test: `RPCD_TEST_BINARY_DIR` when set, else the directory of the
/// running test bundle (`swift test` puts the products next to `<package>PackageTests.xctest`).
///
/// `scripts/test` sets it to binaries built with Swift's `assert` off while the tests themselves
/// run with assertions on: a SwiftNIO debug assertion (apple/swift-nio#3500) kills workers that
/// share a listening socket. Every test that starts a binary finds it here.
public enum ProductsDirectory {
    /// The directory holding `rpcd` and `rpcd-admin`.
    public static var url: URL {
        if let override = ProcessInfo.processInfo.environment["RPCD_TEST_BINARY_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // On Linux the test runner is the bundle executable itself, inside the products directory.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }

    /// The path of a product in ``url``.
    /// - Throws: ``TestSupportError/Code/binaryNotFound`` when no executable file is there.
    public static func executable(named name: String) throws -> String {
        let path = self.url.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError(
                .binaryNotFound,
                "no executable \(name) at \(path); build it or set RPCD_TEST_BINARY_DIR"
            )
        }
        return path
    }

    /// The `rpcd` executable.
    public static func rpcd() throws -> String {
        try self.executable(named: "rpcd")
    }

    /// The `rpcd-admin` executable.
    public static func rpcdAdmin() throws -> String {
        try self.executable(named: "rpcd-admin")
    }
}
