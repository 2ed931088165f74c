package import Logging
internal import Synchronization

/// The log level every handler of a process reads, so that it can be changed live (reload,
/// `rpcd-admin log-level`) without re-bootstrapping swift-log.
package final class LogLevelControl: Sendable {
    private let rawLevel: Atomic<UInt8>

    /// Creates a control starting at `level`.
    package init(_ level: Logger.Level) {
        self.rawLevel = Atomic(Self.encode(level))
    }

    /// The current level; setting it takes effect for every handler at once.
    package var level: Logger.Level {
        get { Self.decode(self.rawLevel.load(ordering: .relaxed)) }
        set { self.rawLevel.store(Self.encode(newValue), ordering: .relaxed) }
    }

    private static func encode(_ level: Logger.Level) -> UInt8 {
        UInt8(Logger.Level.allCases.firstIndex(of: level)!)
    }

    private static func decode(_ raw: UInt8) -> Logger.Level {
        Logger.Level.allCases[Int(raw)]
    }
}
