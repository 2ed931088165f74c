internal import Glibc

/// Blocks the calling thread for a while: for command-line clients that poll (`rpcd-admin drain
/// --wait`), never for an event loop.
package enum ThreadPause {
    /// Sleeps for `duration` (`nanosleep(2)`); a signal that interrupts it does not cut it short.
    package static func pause(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(max(seconds, 0)), tv_nsec: Int(max(attoseconds, 0) / 1_000_000_000))
        var remaining = timespec()
        // EINTR leaves the rest in `remaining`: sleep that too.
        while nanosleep(&request, &remaining) == -1, errno == EINTR {
            request = remaining
        }
    }
}
