import Foundation

/// The environment a child under test gets: `PATH` from the test runner and nothing else
/// inherited, so that no `RPCD_*`, `NOTIFY_SOCKET` or `LISTEN_FDS` of the caller leaks in.
public enum ChildEnvironment {
    /// `PATH` plus `variables` (which win).
    public static func clean(_ variables: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        environment.merge(variables) { _, given in given }
        return environment
    }
}
