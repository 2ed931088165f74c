internal import JSONRPC
internal import NIOCore
internal import RPCDBackends
internal import RPCDSupervisor
internal import RPCDTransport
internal import Synchronization

/// Sends the master a heartbeat while every event loop of the worker is turning.
///
/// Each loop stamps a tick on its own schedule; the heartbeat (sent from the first loop) is
/// skipped when any loop's stamp is stale, so a handler that blocks a loop (`test.hang`) stops
/// the heartbeats and the master replaces the worker.
final class WorkerHeartbeat: Sendable {
    private let loops: [any EventLoop]
    private let control: any Channel
    private let server: RPCServer
    private let dispatcher: Dispatcher
    private let backends: ExternalMethods
    /// The last tick of each loop, in uptime nanoseconds.
    private let ticks: Mutex<[Int64]>
    private let tasks = Mutex<[RepeatedTask]>([])

    init(
        group: any EventLoopGroup,
        control: any Channel,
        server: RPCServer,
        dispatcher: Dispatcher,
        backends: ExternalMethods
    ) {
        self.backends = backends
        self.loops = Array(group.makeIterator())
        self.control = control
        self.server = server
        self.dispatcher = dispatcher
        self.ticks = Mutex(Array(repeating: NIODeadline.now().uptimeNanoseconds.asInt64, count: self.loops.count))
    }

    func start() {
        let interval = TimeAmount(ControlMessage.heartbeatInterval)
        var started: [RepeatedTask] = []
        for (index, loop) in self.loops.enumerated() {
            started.append(
                loop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { [self] _ in
                    self.ticks.withLock { $0[index] = NIODeadline.now().uptimeNanoseconds.asInt64 }
                    if index == 0 {
                        self.sendIfHealthy(interval: interval)
                    }
                }
            )
        }
        self.tasks.withLock { $0 = started }
    }

    func stop() {
        let started = self.tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in started { task.cancel() }
    }

    /// The last report, sent as the worker exits.
    func sendFinal() {
        self.control.sendControl(self.report)
    }

    /// Totals, per-method statistics and the backend pools' figures.
    private var report: ControlMessage {
        .heartbeat(
            self.currentStats(),
            methods: self.dispatcher.statistics.snapshot(),
            backends: self.backends.snapshots().map(\.jsonValue)
        )
    }

    func currentStats() -> WorkerStats {
        WorkerStats(
            requests: self.dispatcher.counters.calls,
            errors: self.dispatcher.counters.errors,
            inFlight: self.server.inFlightCount,
            connections: self.server.connectionCount
        )
    }

    private func sendIfHealthy(interval: TimeAmount) {
        let now = NIODeadline.now().uptimeNanoseconds.asInt64
        let stale = 3 * interval.nanoseconds
        guard self.ticks.withLock({ $0.allSatisfy { now - $0 < stale } }) else { return }
        self.control.sendControl(self.report)
    }
}

extension UInt64 {
    fileprivate var asInt64: Int64 { Int64(clamping: self) }
}
