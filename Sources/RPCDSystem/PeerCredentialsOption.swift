internal import CLinux

#if canImport(Glibc)
internal import Glibc
#endif

/// `SO_PEERCRED` as a socket option that an event-loop library reads itself (NIO's
/// `unsafeGetSocketOption`), so that its callers need no C module: the option's level and name,
/// and a value laid out as the kernel writes it.
///
/// For a descriptor of one's own, `SocketCalls.peerCredentials(_:)` does the call into the same value.
package struct PeerCredentialsOption: Sendable {
    /// The option level, `SOL_SOCKET`.
    package static let level: Int32 = SOL_SOCKET
    /// The option name, `SO_PEERCRED`.
    package static let name: Int32 = SO_PEERCRED

    // The shim's mirror of struct ucred (Glibc's module hides it behind _GNU_SOURCE); the only
    // stored property, so this struct has exactly its layout and getsockopt can fill it in place.
    private var credentials = rpcd_peer_credentials()

    /// Zeroed credentials, for the kernel to overwrite.
    package init() {}

    /// The peer's process id when it connected.
    package var pid: Int32 { self.credentials.pid }
    /// The peer's user id when it connected.
    package var uid: UInt32 { self.credentials.uid }
    /// The peer's group id when it connected.
    package var gid: UInt32 { self.credentials.gid }

    /// Fills these credentials from `descriptor` (`getsockopt(SO_PEERCRED)`); -1 with errno set on failure.
    mutating func read(from descriptor: Int32) -> Int32 {
        rpcd_get_peer_credentials(descriptor, &self.credentials)
    }
}
