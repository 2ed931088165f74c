internal import CSystemd
internal import SystemPackage

extension SystemdNotifier {
    /// The datagram that puts a descriptor into the service manager's file-descriptor store
    /// under `name` (`sd_pid_notify_with_fds(3)`); `name` must be a valid FDNAME (printable
    /// ASCII without `:`, at most 255 characters).
    package static func storeMessage(name: String) -> String {
        "FDSTORE=1\nFDNAME=\(name)"
    }

    /// The datagram that closes every descriptor the store holds under `name`.
    package static func storeRemovalMessage(name: String) -> String {
        "FDSTOREREMOVE=1\nFDNAME=\(name)"
    }

    /// Hands a duplicate of `descriptor` to systemd's fd store under `name`; systemd passes it
    /// back (`LISTEN_FDS`, `LISTEN_FDNAMES`) when the service starts again, as long as the unit
    /// stays loaded and is not stopped (a restart keeps the store), and only with
    /// `FileDescriptorStoreMax=` above 0.
    ///
    /// A static function: the store belongs to whoever `NOTIFY_SOCKET` names, which stays in the
    /// master's environment for its whole life (workers never get it), so the listener set can
    /// store and remove sockets wherever a reload binds or drops them.
    /// - Returns: `false` when not under systemd (nothing was sent).
    /// - Throws: `SystemCallError` when the datagram could not be sent.
    @discardableResult
    package static func store(_ descriptor: Int32, name: String) throws(SystemCallError) -> Bool {
        var descriptors = [descriptor]
        // pid 0: from this process (the main pid, as NotifyAccess=main wants); the environment
        // stays (0), later notifications need NOTIFY_SOCKET.
        let result = sd_pid_notify_with_fds(0, 0, Self.storeMessage(name: name), &descriptors, 1)
        if result < 0 {
            throw SystemCallError(call: "sd_pid_notify_with_fds", errno: Errno(rawValue: -result))
        }
        return result > 0
    }

    /// Asks systemd to close the descriptors its fd store holds under `name`.
    /// - Returns: `false` when not under systemd (nothing was sent).
    /// - Throws: `SystemCallError` when the datagram could not be sent.
    @discardableResult
    package static func removeFromStore(name: String) throws(SystemCallError) -> Bool {
        let result = sd_notify(0, Self.storeRemovalMessage(name: name))
        if result < 0 {
            throw SystemCallError(call: "sd_notify", errno: Errno(rawValue: -result))
        }
        return result > 0
    }
}
