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
}
