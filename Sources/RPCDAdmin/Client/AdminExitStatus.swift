/// The exit statuses of `rpcd-admin` (DESIGN §2, §7; LSB init-script codes).
package enum AdminExitStatus {
    /// The command succeeded.
    package static let success: Int32 = 0
    /// The daemon answered with an error, did not answer in time, or answered nonsense.
    package static let failure: Int32 = 1
    /// Invalid arguments.
    package static let usage: Int32 = 2
    /// The admin socket refused us by permissions.
    package static let permissionDenied: Int32 = 4
    /// rpcd is not running: no socket, or nobody listening on it.
    package static let notRunning: Int32 = 7
}
