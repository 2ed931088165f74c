internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOExtras
internal import NIOPosix
internal import RPCDAdmin
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSupervisor
internal import RPCDSystem
internal import RPCDTransport

#if canImport(Glibc)
internal import Glibc
#endif

/// The master's state and side effects, confined to its one event loop.
///
/// Every event (a signal, a reaped child, a control message, an admin call, the clock) arrives
/// on `loop`; the `WorkerTable` decides, and this class performs what it returns. Spawning
/// happens on this long-lived thread on purpose: a worker's parent-death signal fires when the
/// thread that spawned it exits.
final class MasterCore: @unchecked Sendable {
    // @unchecked: every stored var is touched only on `loop` (checked in debug builds).
    let loop: any EventLoop
    let logger: Logger
    let startedAt = ContinuousClock.now
    let levelControl: LogLevelControl
    let notifications: ServiceNotifications
    private(set) var loaded: LoadedConfiguration
    private(set) var listeners: MasterListeners
    private(set) var table: WorkerTable
    private var controls: [Int32: any Channel] = [:]
    private var pendingReload:
        (promise: EventLoopPromise<ReloadResult>, startedAt: ContinuousClock.Instant, removed: [MasterListeners.Bound])?
    private var stopPromise: EventLoopPromise<Void>
    private var announcedReady = false
    private var exitedTotals = WorkerStats()
    private var methodStatistics: [Int32: [String: MethodStatisticsSnapshot]] = [:]
    private var exitedMethodStatistics: [String: MethodStatisticsSnapshot] = [:]
    private var ticker: RepeatedTask?
    private var ticks = 0

    /// Completes when a stop has begun and every worker has exited.
    var stopped: EventLoopFuture<Void> { self.stopPromise.futureResult }

    init(
        loop: any EventLoop,
        loaded: LoadedConfiguration,
        listeners: MasterListeners,
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

    /// Hands every worker the service-wide `GET /metrics` text (each serves what it got last).
    private func publishMetrics() {
        guard !self.controls.isEmpty else { return }
        let text = PrometheusExposition(
            requests: self.totals.requests,
            errors: self.totals.errors,
            workersReady: self.table.readyCount,
            workersDesired: self.table.desired,
            generation: self.table.generation,
            uptimeSeconds: Double((ContinuousClock.now - self.startedAt) / .seconds(1)),
            methods: self.mergedMethodStatistics
        ).text
        for channel in self.controls.values {
            channel.sendControl(.metrics(text))
        }
    }

    /// The one-line summary systemd shows in `systemctl status`.
    var statusLine: String {
        if self.table.stopping {
            return "stopping: \(self.table.workers.count) workers left"
        }
        return "serving: \(self.table.readyCount)/\(self.table.desired) workers ready, "
            + "generation \(self.table.generation), \(self.totals.requests) requests"
    }

    func beginStop(quick: Bool) {
        self.loop.preconditionInEventLoop()
        self.logger.info(quick ? "quick stop" : "graceful stop", metadata: ["workers": "\(self.table.workers.count)"])
        self.notifications.stopping(status: quick ? "quick stop" : "draining")
        self.perform(self.table.beginStop(quick: quick, at: .now))
    }

    var isStopping: Bool { self.table.stopping }

    func finish() {
        self.ticker?.cancel()
        self.listeners.closeAll()
    }

    // MARK: Events

    func reapChildren() {
        for (pid, status) in ChildProcesses.reapExited() {
            guard let worker = self.table.workers[pid] else { continue }
            if let channel = self.controls.removeValue(forKey: pid) {
                channel.close(promise: nil)
            }
            self.exitedTotals.requests += worker.stats.requests
            self.exitedTotals.errors += worker.stats.errors
            for (name, snapshot) in self.methodStatistics.removeValue(forKey: pid) ?? [:] {
                self.exitedMethodStatistics[name, default: MethodStatisticsSnapshot()].merge(snapshot)
            }
            let planned = worker.state == .draining || self.table.stopping
            let metadata: Logger.Metadata = [
                "worker.id": "\(worker.slot)", "worker.pid": "\(pid)", "worker.generation": "\(worker.generation)",
                "status": "\(status)",
            ]
            if planned {
                self.logger.info("worker exited", metadata: metadata)
            } else {
                self.logger.warning("worker died", metadata: metadata)
            }
            self.perform(self.table.exited(pid: pid, at: .now, jitter: Double.random(in: 0..<1)))
        }
    }

    private func controlMessage(_ message: ControlMessage, from pid: Int32) {
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
        case .heartbeat(let stats, let methods):
            self.methodStatistics[pid] = methods
            self.perform(self.table.heartbeat(pid: pid, stats: stats, at: .now))
        case .drain, .logLevel, .reopenLogs, .metrics:
            break
        }
    }

    // MARK: Operator commands

    func scale(to count: Int) {
        self.logger.info("scaling", metadata: ["from": "\(self.table.desired)", "to": "\(count)"])
        self.perform(self.table.scale(to: count, at: .now))
    }

    /// Re-reads the configuration and starts a new generation; the promise gets the admin result
    /// or fails with the reason the reload was refused or rolled back.
    func reload(promise: EventLoopPromise<ReloadResult>) {
        guard self.pendingReload == nil, !self.table.stopping else {
            promise.fail(JSONRPCError.applicationError("a reload or stop is already under way"))
            return
        }
        guard self.announcedReady else {
            // systemd would read RELOADING=1 and READY=1 as the end of the start-up.
            promise.fail(JSONRPCError.applicationError("still starting: reload once rpcd is ready"))
            return
        }
        let startedAt = ContinuousClock.now
        self.notifications.reloading()
        let next: LoadedConfiguration
        do {
            next = try self.loaded.reloaded()
        } catch {
            self.logger.error("reload refused: invalid configuration", metadata: ["error": "\(error)"])
            self.notifications.ready(status: "reload refused: invalid configuration; " + self.statusLine)
            promise.fail(JSONRPCError.applicationError("reload refused: \(error)"))
            return
        }
        let updated: (MasterListeners, removed: [MasterListeners.Bound])
        if self.listeners.bound.contains(where: { !$0.owned }) {
            // Socket activation: the socket units own the listeners, RPCD_LISTEN plays no part.
            updated = (self.listeners, [])
        } else {
            do {
                updated = try self.listeners.updated(to: next.configuration.listen)
            } catch {
                self.logger.error("reload refused: cannot bind", metadata: ["error": "\(error)"])
                self.notifications.ready(status: "reload refused: cannot bind; " + self.statusLine)
                promise.fail(JSONRPCError.applicationError("reload refused: \(error)"))
                return
            }
        }
        for change in next.changedEntries(from: self.loaded) where change.reload == .restart {
            self.logger.warning("changed key needs a restart", metadata: ["key": "\(change.key.rawValue)"])
        }
        for listener in updated.0.bound
        where !self.listeners.bound.contains(where: { $0.descriptor == listener.descriptor }) {
            self.logger.info(
                "listening",
                metadata: [
                    "endpoint": "\(listener.endpoint)", "role": "\(listener.endpoint.role)",
                    "address": "\(listener.address)",
                ]
            )
        }
        self.loaded = next
        self.listeners = updated.0
        self.levelControl.level = next.configuration.logLevel
        self.table.settings = Self.settings(next.configuration)
        let actions = self.table.beginReload(at: .now)
        if self.table.desired != next.configuration.workers {
            // The new generation starts at the configured size.
            self.perform(self.table.scale(to: next.configuration.workers, at: .now))
        }
        self.pendingReload = (promise, startedAt, updated.removed)
        self.logger.info("reloading", metadata: ["generation": "\(self.table.generation)"])
        self.perform(actions)
    }

    func setLogLevel(_ level: Logger.Level) {
        self.levelControl.level = level
        for channel in self.controls.values {
            channel.sendControl(.logLevel(level.rawValue))
        }
    }

    func reopenLogs() {
        do {
            try LogOutput.reopen()
            // The first line in the new file says where it came from.
            self.logger.info("log file reopened", metadata: ["target": "\(self.loaded.configuration.logTarget)"])
        } catch {
            self.logger.error("cannot reopen the log file", metadata: ["error": "\(error)"])
        }
        for channel in self.controls.values {
            channel.sendControl(.reopenLogs)
        }
    }

    /// Per-method statistics over every worker, those gone included.
    var mergedMethodStatistics: [String: MethodStatisticsSnapshot] {
        var merged = self.exitedMethodStatistics
        for methods in self.methodStatistics.values {
            for (name, snapshot) in methods {
                merged[name, default: MethodStatisticsSnapshot()].merge(snapshot)
            }
        }
        return merged
    }

    /// Calls and errors over every worker, those gone included.
    var totals: WorkerStats {
        var totals = self.exitedTotals
        for worker in self.table.workers.values {
            totals.requests += worker.stats.requests
            totals.errors += worker.stats.errors
        }
        return totals
    }

    // MARK: Side effects

    private func perform(_ actions: [WorkerTable.Action]) {
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
                if let pending = self.pendingReload {
                    self.pendingReload = nil
                    let milliseconds = (ContinuousClock.now - pending.startedAt) / .milliseconds(1)
                    self.logger.info(
                        "reloaded",
                        metadata: ["generation": "\(generation)", "duration_ms": "\(Int(milliseconds))"]
                    )
                    // Removed endpoints stop accepting once the old generation, which still holds
                    // them, has drained; the master's copies can go now.
                    for listener in pending.removed { MasterListeners.close(listener) }
                    self.notifications.ready(status: self.statusLine)
                    pending.promise.succeed(ReloadResult(generation: generation, durationMs: milliseconds.rounded()))
                }
            case .reloadFailed(let generation, let reason):
                self.logger.error(
                    "reload rolled back",
                    metadata: ["generation": "\(generation)", "reason": "\(reason)"]
                )
                if let pending = self.pendingReload {
                    self.pendingReload = nil
                    self.notifications.ready(status: "reload rolled back; " + self.statusLine)
                    pending.promise.fail(JSONRPCError.applicationError("reload rolled back: \(reason)"))
                }
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
        do {
            let (masterEnd, workerEnd) = try SocketCalls.streamPair()
            var descriptors: [(parent: Int32, child: Int32)] = [(workerEnd, WorkerIdentity.controlFD)]
            for (index, listener) in self.listeners.bound.enumerated() {
                descriptors.append((listener.descriptor, WorkerIdentity.firstListenerFD + Int32(index)))
            }
            var arguments = ["rpcd"] + identity.arguments
            if let file = self.loaded.configuration.configFile {
                arguments += ["--config", file]
            }
            let pid: Int32
            do {
                pid = try ProcessSpawner.spawn(
                    path: "/proc/self/exe",
                    arguments: arguments,
                    environment: self.workerEnvironment(),
                    descriptors: descriptors
                )
            } catch {
                SocketCalls.close(masterEnd)
                SocketCalls.close(workerEnd)
                throw error
            }
            SocketCalls.close(workerEnd)
            self.table.spawned(slot: slot, generation: generation, pid: pid, at: .now, jitter: Double.random(in: 0..<1))
            self.logger.debug("worker spawned", metadata: ["worker.id": "\(slot)", "worker.pid": "\(pid)"])
            self.attachControl(masterEnd, pid: pid)
        } catch {
            self.logger.error("cannot start a worker", metadata: ["worker.id": "\(slot)", "error": "\(error)"])
            self.perform(
                self.table.spawnFailed(slot: slot, generation: generation, at: .now, jitter: Double.random(in: 0..<1))
            )
        }
    }

    private func attachControl(_ descriptor: Int32, pid: Int32) {
        let future = ClientBootstrap(group: self.loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        ControlChannelHandler(
                            onMessage: { [self] message in self.controlMessage(message, from: pid) },
                            onClose: {}
                        )
                    )
                }
            }
            .withConnectedSocket(descriptor)
        future.whenSuccess { [self] channel in
            if self.table.workers[pid] != nil {
                self.controls[pid] = channel
            } else {
                channel.close(promise: nil)
            }
        }
        future.whenFailure { [self] error in
            self.logger.error(
                "cannot open a worker's control socket",
                metadata: ["worker.pid": "\(pid)", "error": "\(error)"]
            )
            _ = try? ChildProcesses.signal(pid, SIGKILL)
        }
    }

    /// The master's environment minus systemd's per-process variables, which belong to the
    /// master alone (DESIGN §6).
    ///
    /// Swift's crash reporter is off in workers unless `SWIFT_BACKTRACE` says otherwise: it holds
    /// a crashed worker for a second or more while it writes a report (the master already logs
    /// the exit and signal), which would delay the replacement far past its 100 ms budget.
    ///
    /// The live log level goes in too: it may have been changed at run time, and a worker must
    /// start at it, not learn it after its first lines. So does daemon mode, which decides
    /// where `RPCD_LOG_TARGET=auto` writes.
    func workerEnvironment() -> [String: String] {
        var environment = ProcessFacts.environment.filter { key, _ in
            !key.hasPrefix("LISTEN_") && !key.hasPrefix("WATCHDOG_") && key != "NOTIFY_SOCKET"
        }
        environment["RPCD_LOG_LEVEL"] = self.levelControl.level.rawValue
        if self.loaded.configuration.daemon {
            // Workers log as a daemon does too (stderr is /dev/null): `auto` means journald or syslog.
            environment["RPCD_DAEMON"] = "1"
        }
        if environment["SWIFT_BACKTRACE"] == nil {
            environment["SWIFT_BACKTRACE"] = "enable=no"
        }
        return environment
    }
}
