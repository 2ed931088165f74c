internal import RPCDSystem

#if canImport(Glibc)
internal import Glibc
#endif

extension ConfigurationLoader {
    /// What the loader asks of the machine: user ids, CPU count, files and groups. Tests
    /// substitute their own answers.
    package struct Host: Sendable {
        /// `geteuid()`: root gets `/run/rpcd` defaults.
        package var effectiveUserID: UInt32
        /// `getuid()`: names the `/tmp/rpcd-$UID` fallback.
        package var userID: UInt32
        /// Online CPUs, the default `RPCD_WORKERS`.
        package var onlineCPUs: Int
        /// The config file read when `RPCD_CONFIG` is not set, if it exists.
        package var defaultConfigFile: String
        /// Whether a file exists at a path (following symlinks).
        package var fileExists: @Sendable (String) -> Bool
        /// Whether a group name or numeric id is known to the system.
        package var groupExists: @Sendable (String) -> Bool
        /// Why the file at a path cannot be read by this process, or `nil` if it can.
        package var unreadableReason: @Sendable (String) -> String?

        /// Creates a host description.
        package init(
            effectiveUserID: UInt32,
            userID: UInt32,
            onlineCPUs: Int,
            defaultConfigFile: String,
            fileExists: @escaping @Sendable (String) -> Bool,
            groupExists: @escaping @Sendable (String) -> Bool,
            unreadableReason: @escaping @Sendable (String) -> String?
        ) {
            self.effectiveUserID = effectiveUserID
            self.userID = userID
            self.onlineCPUs = onlineCPUs
            self.defaultConfigFile = defaultConfigFile
            self.fileExists = fileExists
            self.groupExists = groupExists
            self.unreadableReason = unreadableReason
        }

        /// This machine and process.
        package static var current: Host {
            Host(
                effectiveUserID: ProcessFacts.effectiveUserID,
                userID: getuid(),
                onlineCPUs: ProcessFacts.onlineCPUs,
                defaultConfigFile: DaemonConfiguration.defaultConfigFile,
                fileExists: { path in
                    var info = stat()
                    return stat(path, &info) == 0
                },
                groupExists: Self.systemGroupExists,
                unreadableReason: { path in
                    // access(2) checks with the real ids, which are the daemon's own: rpcd is not setuid.
                    do throws(SystemCallError) {
                        _ = try syscall("access") { access(path, R_OK) }
                        return nil
                    } catch {
                        return "\(error.errno)"
                    }
                }
            )
        }

        /// Looks a group up by name, or by number for an all-digit text (`getgrnam_r`/`getgrgid_r`).
        private static func systemGroupExists(_ name: String) -> Bool {
            var group = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            var bufferSize = max(1024, Int(sysconf(Int32(_SC_GETGR_R_SIZE_MAX))))
            // The buffer must hold the member list, which has no fixed bound: grow on ERANGE.
            while bufferSize <= 1 << 24 {
                let status = withUnsafeTemporaryAllocation(of: CChar.self, capacity: bufferSize) { buffer in
                    if let id = UInt32(name), name.allSatisfy({ $0.isASCII && $0.isNumber }) {
                        return getgrgid_r(id, &group, buffer.baseAddress, bufferSize, &result)
                    }
                    return getgrnam_r(name, &group, buffer.baseAddress, bufferSize, &result)
                }
                if status == ERANGE {
                    bufferSize *= 2
                    continue
                }
                return status == 0 && result != nil
            }
            return false
        }
    }
}
