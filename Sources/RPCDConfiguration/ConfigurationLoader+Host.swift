extension ConfigurationLoader {
    /// What the loader asks of the machine: user ids, CPU count, files, groups and the default
    /// runtime paths. The configuration target does no I/O of its own: the daemon hands in the
    /// real machine, tests their own answers.
    package struct Host: Sendable {
        /// Reads at most `limit + 1` bytes of the file at a path: enough to tell that it is over `limit`.
        package typealias ReadFile = @Sendable (_ path: String, _ limit: Int) throws(ReadError) -> [UInt8]
        /// A default path for the process `environment` and user ids.
        package typealias DefaultPath =
            @Sendable (_ environment: [String: String], _ effectiveUserID: UInt32, _ userID: UInt32) -> String

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
        /// The contents of the config file, bounded.
        package var readFile: ReadFile
        /// Whether a group name or numeric id is known to the system.
        package var groupExists: @Sendable (String) -> Bool
        /// Why the file at a path cannot be read by this process, or `nil` if it can.
        package var unreadableReason: @Sendable (String) -> String?
        /// The backends' directory used when `RPCD_BACKENDS_DIR` is not set, if it exists.
        package var defaultBackendsDirectory: String
        /// The names in a directory, without `.` and `..` (`RPCD_BACKENDS_DIR`).
        package var listDirectory: @Sendable (_ path: String) throws(ReadError) -> [String]
        /// Whether the path is a regular file this process may execute (following symlinks): a
        /// backend's program.
        package var isExecutable: @Sendable (String) -> Bool
        /// Whether the path is a directory (following symlinks): a backend's `DIRECTORY`.
        package var isDirectory: @Sendable (String) -> Bool
        /// The admin socket when `RPCD_ADMIN_SOCKET` is not set (DESIGN §3), resolved by the rule
        /// `rpcd-admin` uses too.
        package var defaultAdminSocket: DefaultPath
        /// The directory for rpcd's runtime files outside a unit's `RuntimeDirectory=` (`/run/rpcd`
        /// as root, else `$XDG_RUNTIME_DIR/rpcd`, else `/tmp/rpcd-$UID`): the daemon's default pidfile goes there.
        package var privateRuntimeDirectory: DefaultPath

        /// Creates a host description.
        package init(
            effectiveUserID: UInt32,
            userID: UInt32,
            onlineCPUs: Int,
            defaultConfigFile: String,
            fileExists: @escaping @Sendable (String) -> Bool,
            readFile: @escaping ReadFile,
            groupExists: @escaping @Sendable (String) -> Bool,
            unreadableReason: @escaping @Sendable (String) -> String?,
            defaultBackendsDirectory: String,
            listDirectory: @escaping @Sendable (_ path: String) throws(ReadError) -> [String],
            isExecutable: @escaping @Sendable (String) -> Bool,
            isDirectory: @escaping @Sendable (String) -> Bool,
            defaultAdminSocket: @escaping DefaultPath,
            privateRuntimeDirectory: @escaping DefaultPath
        ) {
            self.effectiveUserID = effectiveUserID
            self.userID = userID
            self.onlineCPUs = onlineCPUs
            self.defaultConfigFile = defaultConfigFile
            self.fileExists = fileExists
            self.readFile = readFile
            self.groupExists = groupExists
            self.unreadableReason = unreadableReason
            self.defaultBackendsDirectory = defaultBackendsDirectory
            self.listDirectory = listDirectory
            self.isExecutable = isExecutable
            self.isDirectory = isDirectory
            self.defaultAdminSocket = defaultAdminSocket
            self.privateRuntimeDirectory = privateRuntimeDirectory
        }
    }
}

extension ConfigurationLoader.Host {
    /// Why the host could not read a file.
    package struct ReadError: Error, Sendable, CustomStringConvertible {
        /// The kind of problem.
        package struct Code: Sendable, Hashable, CustomStringConvertible {
            private let name: String
            private init(_ name: String) { self.name = name }

            /// Nothing exists at the path (`ENOENT`): a named config file or directory is missing.
            package static let notFound = Code("notFound")
            /// The file exists but cannot be read (permissions, a directory, an I/O error).
            package static let unreadable = Code("unreadable")

            package var description: String { self.name }
        }

        /// The kind of problem.
        package var code: Code
        /// The reason as the system words it, e.g. `No such file or directory`.
        package var reason: String
        /// The underlying failure, if any (a system call error).
        package var cause: (any Error & Sendable)?

        /// Creates an error.
        package init(code: Code, reason: String, cause: (any Error & Sendable)? = nil) {
            self.code = code
            self.reason = reason
            self.cause = cause
        }

        package var description: String { self.reason }
    }
}
