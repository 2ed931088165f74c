internal import RPCDAdmin
package import RPCDConfiguration
internal import RPCDSystem

extension ConfigurationLoader.Host {
    /// This machine and process, as the configuration loader sees it: every answer comes from
    /// RPCDSystem, and the default runtime paths from `AdminSocketPath`, the rule `rpcd-admin` uses.
    package static var current: Self {
        Self(
            effectiveUserID: ProcessFacts.effectiveUserID,
            userID: ProcessFacts.userID,
            onlineCPUs: ProcessFacts.onlineCPUs,
            defaultConfigFile: DaemonConfiguration.defaultConfigFile,
            fileExists: { FileSystemCalls.exists($0, followingLinks: true) },
            readFile: { path, limit throws(ReadError) in
                try ReadError.reasoned { () throws(SystemCallError) in try FileReader.read(path, limit: limit) }
            },
            // A numeric RPCD_ADMIN_GROUP is a gid as it stands (chown and the peer check need no
            // name for it); a name must be known to the name service.
            groupExists: { UserDatabase.groupID(named: $0) != nil },
            unreadableReason: { path in
                do throws(SystemCallError) {
                    try FileSystemCalls.checkReadable(path)
                    return nil
                } catch {
                    return "\(error.errno)"
                }
            },
            defaultBackendsDirectory: DaemonConfiguration.defaultBackendsDirectory,
            listDirectory: { path throws(ReadError) in
                try ReadError.reasoned { () throws(SystemCallError) in try FileFacts.directoryEntries(path) }
            },
            isExecutable: { FileSystemCalls.isExecutableFile($0) },
            isDirectory: { FileFacts.isDirectory($0) },
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
}

extension ConfigurationLoader.Host.ReadError {
    /// `body`'s result, or its failure as `notFound` (`ENOENT`) or `unreadable`, worded by the system.
    fileprivate static func reasoned<T>(_ body: () throws(SystemCallError) -> T) throws(Self) -> T {
        do throws(SystemCallError) {
            return try body()
        } catch {
            let code: Code = error.errno == .noSuchFileOrDirectory ? .notFound : .unreadable
            throw Self(code: code, reason: "\(error.errno)", cause: error)
        }
    }
}

extension ConfigurationLoader {
    /// Loads the configuration of this process from this machine (``ConfigurationLoader/Host/current``).
    /// - Parameters:
    ///   - flags: command-line settings keyed by environment name: `--config` → `RPCD_CONFIG`,
    ///     `--daemon` → `RPCD_DAEMON=1`, `--pidfile` → `RPCD_PIDFILE`.
    ///   - environment: the whole process environment.
    ///   - currentDirectory: resolves relative paths (config file, pidfile, sockets, log file).
    /// - Throws: `ConfigurationError` for a bad value, or a config file that is missing or malformed.
    package static func load(
        flags: [String: String],
        environment: [String: String],
        currentDirectory: String
    ) throws(ConfigurationError) -> LoadedConfiguration {
        try self.load(flags: flags, environment: environment, currentDirectory: currentDirectory, host: .current)
    }
}
