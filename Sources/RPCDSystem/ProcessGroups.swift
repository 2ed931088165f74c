extension ProcessFacts {
    /// The groups a running process acts with: its real, effective, saved and file-system gids
    /// and its supplementary groups, from `/proc/PID/status` (`Gid:` and `Groups:`).
    ///
    /// This is what the kernel checks file access against, so it is the right answer for "is the
    /// peer of this socket in group G": the group database only says what a login would get, not
    /// what a process was given (`newgrp`, `sg`, `setgroups`, a service's `SupplementaryGroups=`).
    /// - Returns: nil when the process is gone or its status cannot be read (`hidepid=`).
    package static func groups(ofProcess pid: Int32) -> [UInt32]? {
        guard pid > 0, let bytes = try? FileReader.read("/proc/\(pid)/status", limit: 64 * 1024) else {
            return nil
        }
        return Self.groups(fromStatus: String(decoding: bytes, as: UTF8.self))
    }

    /// The gids named by the `Gid:` and `Groups:` lines of a `/proc/PID/status` text.
    package static func groups(fromStatus text: String) -> [UInt32]? {
        var groups: [UInt32] = []
        var sawGid = false
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let name = fields.first, name == "Gid:" || name == "Groups:" else { continue }
            sawGid = sawGid || name == "Gid:"
            for field in fields.dropFirst() {
                guard let gid = UInt32(field) else { return nil }
                if !groups.contains(gid) { groups.append(gid) }
            }
        }
        return sawGid ? groups : nil
    }
}
