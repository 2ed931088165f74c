/// Where the admin socket lives when `RPCD_ADMIN_SOCKET` does not say: the daemon creates it there
/// and `rpcd-admin` connects there, so both must resolve it with this one function.
package enum AdminSocketPath {
    /// The environment variable naming the admin socket, for the daemon and for `rpcd-admin`.
    package static let environmentVariable = "RPCD_ADMIN_SOCKET"

    /// The default admin socket (DESIGN §3): `$RUNTIME_DIRECTORY/admin.sock` (its first entry when
    /// colon-separated), else `/run/rpcd/admin.sock` as root, else `$XDG_RUNTIME_DIR/rpcd/admin.sock`,
    /// else `/tmp/rpcd-$UID/admin.sock`.
    /// - Parameters:
    ///   - environment: the process environment; only `RUNTIME_DIRECTORY` and `XDG_RUNTIME_DIR` matter.
    ///   - effectiveUserID: `geteuid()`, deciding whether `/run/rpcd` is ours.
    ///   - userID: `getuid()`, naming the `/tmp` fallback; the effective id when not given.
    package static func `default`(
        environment: [String: String],
        effectiveUserID: UInt32,
        userID: UInt32? = nil
    ) -> String {
        // systemd sets RUNTIME_DIRECTORY from RuntimeDirectory=, colon-separated when there are several.
        if let runtimeDirectory = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first,
            runtimeDirectory.hasPrefix("/")
        {
            return self.join(runtimeDirectory, "admin.sock")
        }
        let directory = self.privateRuntimeDirectory(
            environment: environment,
            effectiveUserID: effectiveUserID,
            userID: userID ?? effectiveUserID
        )
        return self.join(directory, "admin.sock")
    }

    /// The admin socket `rpcd-admin` uses: `RPCD_ADMIN_SOCKET` when set and not empty, else
    /// ``default(environment:effectiveUserID:userID:)``.
    package static func resolve(
        environment: [String: String],
        effectiveUserID: UInt32,
        userID: UInt32? = nil
    ) -> String {
        if let path = environment[self.environmentVariable], !path.isEmpty {
            return path
        }
        return self.default(environment: environment, effectiveUserID: effectiveUserID, userID: userID)
    }

    /// The directory for rpcd's own runtime files outside a unit's `RuntimeDirectory=`: `/run/rpcd`
    /// as root, else `$XDG_RUNTIME_DIR/rpcd`, else `/tmp/rpcd-$UID`.
    package static func privateRuntimeDirectory(
        environment: [String: String],
        effectiveUserID: UInt32,
        userID: UInt32
    ) -> String {
        if effectiveUserID == 0 {
            return "/run/rpcd"
        }
        // The XDG base directory spec says to ignore a relative XDG_RUNTIME_DIR.
        if let xdg = environment["XDG_RUNTIME_DIR"], xdg.hasPrefix("/") {
            return self.join(xdg, "rpcd")
        }
        return "/tmp/rpcd-\(userID)"
    }

    /// `directory/name`, without doubling a trailing slash.
    package static func join(_ directory: some StringProtocol, _ name: String) -> String {
        directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
    }
}
