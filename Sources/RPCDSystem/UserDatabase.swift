#if canImport(Glibc)
internal import Glibc
#endif

/// Users and groups from the system's name service (`/etc/passwd`, `/etc/group`, NSS modules), for
/// the admin socket's access check (DESIGN §7).
package enum UserDatabase {
    /// The gid of the group `name` (`getgrnam_r(3)`), or the number itself when `name` is
    /// numeric (`RPCD_ADMIN_GROUP=0`); nil when no such group exists or the lookup fails.
    package static func groupID(named name: String) -> UInt32? {
        if let number = UInt32(name) {
            return number
        }
        guard !name.isEmpty, !name.utf8.contains(0) else {
            return nil
        }
        return Self.withEntryBuffer(sizeHint: _SC_GETGR_R_SIZE_MAX) { buffer in
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            // The *_r calls return the error number (ERANGE: buffer too small) instead of setting
            // errno; "not found" is 0 with a nil result.
            let code = getgrnam_r(name, &entry, buffer.baseAddress!, buffer.count, &result)
            return (code, result == nil ? nil : entry.gr_gid)
        }
    }

    /// Every group of the user `uid`, its primary group first, then the supplementary ones
    /// (`getpwuid_r(3)` + `getgrouplist(3)`); empty when the uid has no passwd entry.
    package static func groups(ofUser uid: UInt32) -> [UInt32] {
        guard let account = Self.account(uid) else {
            return []
        }
        // getgrouplist returns -1 and sets `capacity` to the number needed when the array is too small.
        var count: Int32 = 32
        while true {
            var groups = [UInt32](repeating: 0, count: Int(count))
            var capacity = count
            let found = getgrouplist(account.name, account.primaryGroup, &groups, &capacity)
            if found >= 0 {
                var unique: [UInt32] = [account.primaryGroup]
                for group in groups.prefix(Int(capacity)) where !unique.contains(group) {
                    unique.append(group)
                }
                return unique
            }
            // Grow at least twofold: some NSS modules report no useful count.
            count = max(capacity, count * 2)
            if count > 65_536 {
                return [account.primaryGroup]
            }
        }
    }

    /// The effective user id (`geteuid(2)`, which cannot fail).
    package static var effectiveUserID: UInt32 { geteuid() }

    /// The login name and primary group of `uid` (`getpwuid_r(3)`), nil without a passwd entry.
    private static func account(_ uid: UInt32) -> (name: String, primaryGroup: UInt32)? {
        Self.withEntryBuffer(sizeHint: _SC_GETPW_R_SIZE_MAX) { buffer in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let code = getpwuid_r(uid, &entry, buffer.baseAddress!, buffer.count, &result)
            guard result != nil, let name = entry.pw_name else {
                return (code, nil)
            }
            return (code, (name: String(cString: name), primaryGroup: entry.pw_gid))
        }
    }

    /// Runs a reentrant `get*_r` lookup with a buffer that grows while it reports `ERANGE`.
    /// - Parameter body: returns the call's error number and the answer; a non-zero error number
    ///   other than `ERANGE`/`EINTR` ends the lookup with nil.
    private static func withEntryBuffer<Answer>(
        sizeHint: Int,
        _ body: (UnsafeMutableBufferPointer<CChar>) -> (Int32, Answer?)
    ) -> Answer? {
        // sysconf gives -1 when there is no fixed limit: start small and grow.
        var size = max(Int(sysconf(Int32(sizeHint))), 1024)
        while size <= 1 << 20 {
            let (code, answer) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { body($0) }
            switch code {
            case 0:
                return answer
            case ERANGE:
                size *= 2
            case EINTR:
                continue
            default:
                // ENOENT, ESRCH, EPERM...: glibc's ways of saying "no such entry" or "cannot tell".
                return nil
            }
        }
        return nil
    }
}
