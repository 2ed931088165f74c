/// Who a worker process is, as the master told it on its command line.
public struct WorkerIdentity: Sendable, Hashable {
    /// The worker's slot, 1 to `RPCD_WORKERS`.
    public var slot: Int
    /// The reload generation it belongs to.
    public var generation: Int
    /// The endpoints of the listening sockets it inherits, in descriptor order from `firstListenerFD`.
    public var listeners: [String]

    /// The control socketpair end every worker inherits.
    static let controlFD: Int32 = 3
    /// The first inherited listening socket.
    static let firstListenerFD: Int32 = 4

    public init(slot: Int, generation: Int, listeners: [String]) {
        self.slot = slot
        self.generation = generation
        self.listeners = listeners
    }

    /// The hidden command-line arguments that make `rpcd` a worker (after argv[0]).
    var arguments: [String] {
        ["--worker", String(self.slot), "--generation", String(self.generation)]
            + self.listeners.flatMap { ["--listener", $0] }
    }

    /// Recognises a worker's command line (`PROGRAM --worker N --generation G --listener E ...
    /// [--config PATH]`), so an embedding program's `DaemonLauncher.launch` serves as its own worker.
    /// - Returns: nil for any other command line.
    static func parse(arguments: [String]) -> (identity: WorkerIdentity, flags: [String: String])? {
        guard arguments.count >= 3, arguments[1] == "--worker", let slot = Int(arguments[2]) else { return nil }
        var identity = WorkerIdentity(slot: slot, generation: 1, listeners: [])
        var flags: [String: String] = [:]
        var index = 3
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--generation": identity.generation = Int(value) ?? 1
            case "--listener": identity.listeners.append(value)
            case "--config": flags["RPCD_CONFIG"] = value
            default: return nil
            }
            index += 2
        }
        return (identity, flags)
    }
}
