internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDAdmin
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSupervisor
internal import RPCDSystem
internal import RPCDTransport

/// The master's state and side effects, confined to its one event loop.
///
/// Every event (a signal, a reaped child, a control message, an admin call, the clock) arrives
/// on `loop`, and every entry point checks that it does; the `WorkerTable` decides, and this
/// class performs what it returns. Spawning happens on this long-lived thread on purpose: a
/// worker's parent-death signal fires when the thread that spawned it exits. Nothing here
/// blocks the loop: what a reload reads from disk and the name service runs off it.
final class MasterCore: @unchecked Sendable {
    // @unchecked: every stored var is touched only on `loop` (each entry point checks it).
    let loop: any EventLoop
    let logger: Logger
    let startedAt = ContinuousClock.now
    let levelControl: LogLevelControl
    let notifications: ServiceNotifications
    var loaded: LoadedConfiguration
    var listeners: ListeningSockets
    var table: WorkerTable
    var pendingReload: PendingReload?
    var controls: [Int32: any Channel] = [:]
    private var stopPromise: EventLoopPromise<Void>
    private var announcedReady = false
    var statistics = FleetStatistics()
    private var ticker: RepeatedTask?
    private var ticks = 0

    /// A reload between the operator's word and the new generation's outcome.
    struct PendingReload {
        var promise: EventLoopPromise<ReloadResult>
        var startedAt: ContinuousClock.Instant
        /// Listeners the new configuration dropped: closed once the old generation has drained.
        var removed: [ListeningSocket] = []
    }

    /// Completes when a stop has begun and every worker has exited.
    var stopped: EventLoopFuture<Void> { self.stopPromise.futureResult }

    init(
        loop: any EventLoop,
        loaded: LoadedConfiguration,
        listeners: ListeningSockets,
        levelControl: LogLevelControl,
        notifications: ServiceNotifications,
        logger: Logger
    ) {
        self.loop = loop
        self.loaded = loaded
        self.listeners = listeners
        self.levelControl = levelControl
        self.notifications = notifications
        self.logger = logger
        self.table = WorkerTable(desired: loaded.configuration.workers, settings: Self.settings(loaded.configuration))
        self.stopPromise = loop.makePromise()
    }

    static func settings(_ configuration: DaemonConfiguration) -> WorkerTable.Settings {
        WorkerTable.Settings(
            workerTimeout: configuration.workerTimeout,
            shutdownTimeout: configuration.shutdownTimeout,
            stopGrace: configuration.stopGrace,
            reloadTimeout: max(configuration.workerTimeout, .seconds(10)),
            maxRequests: configuration.maxRequests
        )
    }

    // MARK: Lifecycle

    func start() {
        self.loop.preconditionInEventLoop()
        self.perform(self.table.start())
        self.ticker = self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) {
            [self] _ in
            self.reapChildren()
            self.perform(self.table.tick(at: .now))
            self.ticks += 1
            if self.ticks % 10 == 0 {
                self.publishMetrics()
            }
            // From this loop on purpose: a blocked master loop stops the pings, and systemd
            // restarts the service. Workers count too: with none ready nothing is served.
            self.notifications.tick(
                healthy: self.announcedReady && (self.table.readyCount > 0 || self.table.stopping),
                status: self.statusLine
            )
        }
    }

    func beginStop(quick: Bool) {
        self.loop.preconditionInEventLoop()
        self.logger.info(
            quick ? "quick stop" : "graceful stop",
            metadata: ["workers": "\(self.table.workers.count)", "grace": "\(self.table.settings.stopGrace)"]
        )
        self.notifications.stopping(status: quick ? "quick stop" : "draining")
        self.perform(self.table.beginStop(quick: quick, at: .now))
    }

    var isStopping: Bool {
        self.loop.preconditionInEventLoop()
        return self.table.stopRequested
    }

    func finish() {
        self.loop.preconditionInEventLoop()
        self.ticker?.cancel()
        self.listeners.closeAll()
    }

    // MARK: Events

    func reapChildren() {
        self.loop.preconditionInEventLoop()
        for (pid, status) in ChildProcesses.reapExited() {
            guard let worker = self.table.workers[pid] else { continue }
            if let channel = self.controls.removeValue(forKey: pid) {
                channel.close(promise: nil)
            }
            self.statistics.workerExited(pid: pid, stats: worker.stats)
            let metadata: Logger.Metadata = [
                "worker.id": "\(worker.slot)", "worker.pid": "\(pid)", "worker.generation": "\(worker.generation)",
                "status": "\(status)",
            ]
            if worker.state == .draining || self.table.stopping {
                self.logger.info("worker exited", metadata: metadata)
            } else {
                self.logger.warning("worker died", metadata: metadata)
            }
            self.perform(self.table.exited(pid: pid, at: .now, jitter: Double.random(in: 0..<1)))
        }
    }

    private func controlMessage(_ message: ControlMessage, from pid: Int32) {
        self.loop.preconditionInEventLoop()
        switch message {
        case .ready:
            self.perform(self.table.ready(pid: pid, at: .now))
            // A new worker serves /metrics from its first request on, not only after the next period.
            self.publishMetrics()
            if let worker = self.table.workers[pid] {
                self.logger.info(
                    "worker ready",
                    metadata: [
                        "worker.id": "\(worker.slot)", "worker.pid": "\(pid)",
                        "worker.generation": "\(worker.generation)",
                    ]
                )
            }
            if !self.announcedReady, self.table.readyCount >= self.table.desired {
                self.announcedReady = true
                self.logger.info(
                    "ready",
                    metadata: ["workers": "\(self.table.readyCount)", "pid": "\(ProcessFacts.pid)"]
                )
                self.notifications.ready(status: self.statusLine)
            }
        case .heartbeat(let stats, let methods, let backends):
            self.statistics.record(methods, backends: backends, from: pid)
            self.perform(self.table.heartbeat(pid: pid, stats: stats, at: .now))
        case .drain, .draining, .logLevel, .reopenLogs, .metrics:
            break
        }
    }

    /// Whether the first generation has become ready (and READY=1 was sent).
    var hasAnnouncedReady: Bool {
        self.loop.preconditionInEventLoop()
        return self.announcedReady
    }

    // MARK: Operator commands

    func scale(to count: Int) {
        self.loop.preconditionInEventLoop()
        self.logger.info("scaling", metadata: ["from": "\(self.table.desired)", "to": "\(count)"])
        self.perform(self.table.scale(to: count, at: .now))
    }

    func setLogLevel(_ level: Logger.Level) {
        self.loop.preconditionInEventLoop()
        self.levelControl.level = level
        self.broadcast(.logLevel(level.rawValue))
    }

    func reopenLogs() {
        self.loop.preconditionInEventLoop()
        do {
            try LogOutput.reopen()
            // The first line in the new file says where it came from.
            self.logger.info("log file reopened", metadata: ["target": "\(self.loaded.configuration.logTarget)"])
        } catch {
            self.logger.error("cannot reopen the log file", metadata: ["error": "\(error)"])
        }
        self.broadcast(.reopenLogs)
    }

    // MARK: Side effects

    func perform(_ actions: [WorkerTable.Action]) {
        for action in actions {
            switch action {
            case .spawn(let slot, let generation):
                self.spawn(slot: slot, generation: generation)
            case .signal(let pid, let signal):
                if signal == WorkerTable.Signal.abort {
                    self.logger.warning("worker silent too long, aborting it", metadata: ["worker.pid": "\(pid)"])
                } else if signal == WorkerTable.Signal.kill {
                    self.logger.warning("killing worker", metadata: ["worker.pid": "\(pid)"])
                }
                if signal == WorkerTable.Signal.terminate, let channel = self.controls[pid] {
                    channel.sendControl(.drain)
                }
                _ = try? ChildProcesses.signal(pid, signal)
            case .reloadSucceeded(let generation):
                self.reloadSucceeded(generation: generation)
            case .reloadFailed(let generation, let reason):
                self.reloadFailed(generation: generation, reason: reason)
            case .announceDraining(let draining):
                self.logger.info(draining ? "draining, still serving" : "undrained, serving")
                self.broadcast(.draining(draining))
            case .allStopped:
                self.stopPromise.succeed(())
            }
        }
    }

    private func spawn(slot: Int, generation: Int) {
        let identity = WorkerIdentity(
            slot: slot,
            generation: generation,
            listeners: self.listeners.bound.map(\.endpoint.description)
        )
        let launcher = WorkerLauncher(
            configFile: self.loaded.configuration.configFile,
            logLevel: self.levelControl.level.rawValue,
            daemon: self.loaded.configuration.daemon
        )
        do {
            let (pid, control) = try launcher.launch(identity, listeners: self.listeners.bound)
            self.table.spawned(slot: slot, generation: generation, pid: pid, at: .now, jitter: Double.random(in: 0..<1))
            self.logger.debug("worker spawned", metadata: ["worker.id": "\(slot)", "worker.pid": "\(pid)"])
            self.attachControl(control, pid: pid)
        } catch {
            self.logger.error("cannot start a worker", metadata: ["worker.id": "\(slot)", "error": "\(error)"])
            self.perform(
                self.table.spawnFailed(slot: slot, generation: generation, at: .now, jitter: Double.random(in: 0..<1))
            )
        }
    }

    private func attachControl(_ descriptor: Int32, pid: Int32) {
        let future = ControlChannel.open(
            descriptor: descriptor,
            on: self.loop,
            onMessage: { [self] message in self.controlMessage(message, from: pid) },
            onClose: {}
        )
        future.whenSuccess { [self] channel in
            if self.table.workers[pid] != nil {
                self.controls[pid] = channel
                // A new worker (a replacement, a reload's) serves in the service's state from its start.
                if self.table.draining { channel.sendControl(.draining(true)) }
            } else {
                channel.close(promise: nil)
            }
        }
        future.whenFailure { [self] error in
            self.logger.error(
                "cannot open a worker's control socket",
                metadata: ["worker.pid": "\(pid)", "error": "\(error)"]
            )
            _ = try? ChildProcesses.signal(pid, SignalNumber.kill)
        }
    }
}
