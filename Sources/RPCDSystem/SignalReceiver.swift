internal import CLinux
@preconcurrency internal import Dispatch

#if canImport(Glibc)
internal import Glibc
#endif

/// A signal as the process received it, with the sender's pid (0 for the kernel).
package struct ReceivedSignal: Sendable, Hashable, CustomStringConvertible {
    /// The signal number, e.g. `SIGTERM`.
    package var number: Int32
    /// The pid of the process that sent it.
    package var senderPID: Int32

    /// The conventional name, e.g. `SIGTERM`.
    package var description: String { SignalName.of(self.number) }
}

/// Receives signals through a `signalfd(2)`, so each one arrives with its sender's pid and is
/// handled as an ordinary event instead of in an async-signal handler.
///
/// The signals must be blocked in every thread, or the kernel delivers them the default way:
/// call `block(_:)` first thing in `main`, before any thread exists; threads inherit the mask.
package final class SignalReceiver: @unchecked Sendable {
    // @unchecked: the dispatch source is only resumed in init and cancelled, both thread-safe.
    /// Signals as they arrive, in order.
    package let signals: AsyncStream<ReceivedSignal>
    private let source: any DispatchSourceRead

    /// Blocks `numbers` in the calling thread, and so in every thread it creates later.
    package static func block(_ numbers: [Int32]) throws(SystemCallError) {
        var set = Self.signalSet(numbers)
        // pthread_sigmask returns the error instead of setting errno.
        let result = pthread_sigmask(SIG_BLOCK, &set, nil)
        if result != 0 {
            throw SystemCallError(call: "pthread_sigmask", errno: .init(rawValue: result))
        }
    }

    /// Starts receiving `numbers`, which must already be blocked.
    package init(_ numbers: [Int32]) throws(SystemCallError) {
        var set = Self.signalSet(numbers)
        let descriptor = try syscall("signalfd") { signalfd(-1, &set, Int32(SFD_NONBLOCK | SFD_CLOEXEC)) }
        let (signals, continuation) = AsyncStream.makeStream(of: ReceivedSignal.self)
        let source = DispatchSource.makeReadSource(
            fileDescriptor: descriptor,
            queue: DispatchQueue(label: "rpcd.signals")
        )
        source.setEventHandler {
            var info = signalfd_siginfo()
            while read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
                continuation.yield(
                    ReceivedSignal(number: Int32(info.ssi_signo), senderPID: Int32(bitPattern: info.ssi_pid))
                )
            }
        }
        source.setCancelHandler {
            continuation.finish()
            close(descriptor)
        }
        source.resume()
        self.signals = signals
        self.source = source
    }

    /// Stops receiving; the stream finishes.
    package func cancel() {
        self.source.cancel()
    }

    private static func signalSet(_ numbers: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers {
            sigaddset(&set, number)
        }
        return set
    }
}

/// Names of the signals rpcd handles.
package enum SignalName {
    /// `SIGTERM` for 15, and so on; `SIG<n>` for others.
    package static func of(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGHUP: "SIGHUP"
        case SIGUSR1: "SIGUSR1"
        case SIGUSR2: "SIGUSR2"
        case SIGTTIN: "SIGTTIN"
        case SIGTTOU: "SIGTTOU"
        case SIGCHLD: "SIGCHLD"
        case SIGKILL: "SIGKILL"
        case SIGABRT: "SIGABRT"
        default: "SIG\(number)"
        }
    }
}
