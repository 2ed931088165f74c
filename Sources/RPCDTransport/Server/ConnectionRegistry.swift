internal import NIOCore
internal import Synchronization

/// Every open client connection and listener of one server process.
///
/// It enforces `RPCD_MAX_CONNECTIONS` by pausing accept on the listeners (connections wait in the
/// kernel's backlog instead of being refused) and drives draining: listeners close, connections
/// are asked to quiesce, and waiters resume when the last one has closed. Apart from that, the
/// service may be draining (out of rotation): listeners stay open, every connection is asked to
/// leave, new ones too.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: any Channel] = [:]
        var listeners: [any Channel] = []
        var acceptPaused = false
        var draining = false
        /// Out of rotation (`rpcd-admin drain`, a stop's grace): still accepting and serving.
        var outOfRotation = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private enum AcceptChange {
        case none
        case pause([any Channel])
        case resume([any Channel])
    }

    private let state = Mutex(State())
    private let maxConnections: Int

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// Whether the server is draining, to stop or out of rotation (readiness probes answer 503).
    var isDraining: Bool {
        self.state.withLock { $0.draining || $0.outOfRotation }
    }

    /// Whether the service is out of rotation: new connections are asked to leave after their first answer.
    var isOutOfRotation: Bool {
        self.state.withLock { $0.outOfRotation }
    }

    /// Takes the service out of rotation (every open connection is asked to leave) or back in.
    /// - Returns: whether that changed anything.
    func setOutOfRotation(_ out: Bool) -> Bool {
        let (changed, connections) = self.state.withLock { state -> (Bool, [any Channel]) in
            guard state.outOfRotation != out else { return (false, []) }
            state.outOfRotation = out
            return (true, out ? Array(state.connections.values) : [])
        }
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(ServiceDrainingEvent())
        }
        return changed
    }

    /// The number of open client connections.
    var connectionCount: Int {
        self.state.withLock { $0.connections.count }
    }

    func addListener(_ channel: any Channel) {
        self.state.withLock { $0.listeners.append(channel) }
    }

    /// Records a new connection; returns false when the server is draining and it must be closed.
    func connectionOpened(_ channel: any Channel) -> Bool {
        let (accepted, change) = self.state.withLock { state -> (Bool, AcceptChange) in
            guard !state.draining else { return (false, .none) }
            state.connections[ObjectIdentifier(channel)] = channel
            if state.connections.count >= self.maxConnections, !state.acceptPaused {
                state.acceptPaused = true
                return (true, .pause(state.listeners))
            }
            return (true, .none)
        }
        self.apply(change)
        return accepted
    }

    func connectionClosed(_ channel: any Channel) {
        let (change, waiters) = self.state.withLock { state -> (AcceptChange, [CheckedContinuation<Void, Never>]) in
            state.connections[ObjectIdentifier(channel)] = nil
            var change = AcceptChange.none
            if state.acceptPaused, state.connections.count < self.maxConnections, !state.draining {
                state.acceptPaused = false
                change = .resume(state.listeners)
            }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if state.draining, state.connections.isEmpty {
                swap(&waiters, &state.drainWaiters)
            }
            return (change, waiters)
        }
        self.apply(change)
        for waiter in waiters { waiter.resume() }
    }

    /// Closes the listeners and asks every connection to finish its in-flight calls and close.
    func beginDraining() {
        let (listeners, connections, waiters) = self.state.withLock {
            state -> ([any Channel], [any Channel], [CheckedContinuation<Void, Never>]) in
            guard !state.draining else { return ([], [], []) }
            state.draining = true
            var waiters: [CheckedContinuation<Void, Never>] = []
            if state.connections.isEmpty {
                swap(&waiters, &state.drainWaiters)
            }
            return (state.listeners, Array(state.connections.values), waiters)
        }
        for waiter in waiters { waiter.resume() }
        for listener in listeners {
            listener.close(promise: nil)
        }
        for connection in connections {
            // A little later, not at once: a client that connected just before the listeners
            // closed may have its first request in the socket buffer, unread yet; if the event
            // came first, the connection would look idle at a message boundary and close under
            // that request. By then its loop has read what was there (and will answer it).
            connection.eventLoop.scheduleTask(in: Self.quiesceDelay) {
                connection.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
        }
    }

    /// How long after a drain begins its connections are told: enough for their loops to read
    /// what already arrived.
    static let quiesceDelay = TimeAmount.milliseconds(20)

    /// Returns once draining has begun and every connection has closed.
    func waitUntilDrained() async {
        await withCheckedContinuation { continuation in
            let done = self.state.withLock { state -> Bool in
                if state.draining, state.connections.isEmpty { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Closes every connection now, whatever it has in flight.
    func closeAllConnections() {
        let connections = self.state.withLock { Array($0.connections.values) }
        for connection in connections {
            connection.close(promise: nil)
        }
    }

    private func apply(_ change: AcceptChange) {
        switch change {
        case .none:
            break
        case .pause(let listeners):
            for listener in listeners {
                listener.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
        case .resume(let listeners):
            for listener in listeners {
                listener.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
        }
    }
}
