import Foundation
import RPCDAdmin
import RPCDConfiguration

/// A host with fixed answers: user 1000, 4 CPUs, no default config file or backends directory,
/// groups `rpcd` and `0`, token files readable unless their path ends in `missing`, the programs
/// `executables` (absolute paths) and no other. Files and directories are the real ones, and the
/// default paths follow `AdminSocketPath`, as the daemon's do.
func testHost(
    effectiveUserID: UInt32 = 1000,
    userID: UInt32 = 1000,
    onlineCPUs: Int = 4,
    defaultConfigFile: String = "/nonexistent/rpcd.env",
    defaultBackendsDirectory: String = "/nonexistent/backends.d",
    executables: Set<String> = ["/usr/bin/python3", "/usr/local/bin/app", "/opt/app/bin/serve"]
) -> ConfigurationLoader.Host {
    ConfigurationLoader.Host(
        effectiveUserID: effectiveUserID,
        userID: userID,
        onlineCPUs: onlineCPUs,
        defaultConfigFile: defaultConfigFile,
        fileExists: { FileManager.default.fileExists(atPath: $0) },
        readFile: readFile,
        groupExists: { $0 == "rpcd" || $0 == "0" },
        unreadableReason: { $0.hasSuffix("missing") ? "No such file or directory" : nil },
        defaultBackendsDirectory: defaultBackendsDirectory,
        listDirectory: listDirectory,
        isExecutable: { executables.contains($0) },
        isDirectory: { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        },
        defaultAdminSocket: { environment, effectiveUserID, userID in
            AdminSocketPath.default(environment: environment, effectiveUserID: effectiveUserID, userID: userID)
        },
        privateRuntimeDirectory: { environment, effectiveUserID, userID in
            AdminSocketPath.privateRuntimeDirectory(
                environment: environment,
                effectiveUserID: effectiveUserID,
                userID: userID
            )
        }
    )
}

/// Reads a real file with Foundation, reporting the reasons the daemon's host gives for the cases
/// the tests use (a missing file, a directory).
@Sendable
private func readFile(_ path: String, limit: Int) throws(ConfigurationLoader.Host.ReadError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ConfigurationLoader.Host.ReadError(code: .notFound, reason: "No such file or directory")
    }
    guard !isDirectory.boolValue else {
        throw ConfigurationLoader.Host.ReadError(code: .unreadable, reason: "Is a directory")
    }
    do {
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(limit + 1))
    } catch {
        throw ConfigurationLoader.Host.ReadError(code: .unreadable, reason: "\(error)")
    }
}

/// Lists a real directory, with the reasons the daemon's host gives (missing, not a directory).
@Sendable
private func listDirectory(_ path: String) throws(ConfigurationLoader.Host.ReadError) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ConfigurationLoader.Host.ReadError(code: .notFound, reason: "No such file or directory")
    }
    guard isDirectory.boolValue else {
        throw ConfigurationLoader.Host.ReadError(code: .unreadable, reason: "Not a directory")
    }
    do {
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    } catch {
        throw ConfigurationLoader.Host.ReadError(code: .unreadable, reason: "\(error)")
    }
}
