internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOExtras
internal import NIOPosix
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSupervisor
internal import RPCDSystem
internal import RPCDTransport
internal import Synchronization

/// A worker process: serves on the listening sockets the master handed it, reports READY and
/// heartbeats over its control socket, drains on SignalNumber.terminate or the master's word, and exits at once
/// when the master is gone.
struct WorkerProcess: Sendable {
    let identity: WorkerIdentity
    let configuration: DaemonConfiguration
    let levelControl: LogLevelControl
    let logger: Logger
    let methods: @Sendable (inout MethodRegistry) -> Void

    /// The signals a worker leaves to the master: Ctrl-C in a terminal reaches the whole process
    /// group, and only the master decides what it means.
    static let ignoredSignals: [Int32] = [
        SignalNumber.interrupt, SignalNumber.quit, SignalNumber.terminalStop, SignalNumber.hangup,
        SignalNumber.terminalInput, SignalNumber.terminalOutput, SignalNumber.user1, SignalNumber.user2,
    ]

    func run() async -> Int32 {
        let logger = self.logger
        // The master spawns from its long-lived event-loop thread, so this fires only when the
        // master itself dies; a master that died before this call left us with a new parent.
        do {
            try ProcessControl.setParentDeathSignal(SignalNumber.kill)
        } catch {
            logger.error("cannot watch the master", metadata: ["error": "\(error)"])
            return 1
        }
        let signals: SignalReceiver
        do {
            signals = try SignalReceiver([SignalNumber.terminate])
        } catch {
            logger.error("cannot receive signals", metadata: ["error": "\(error)"])
            return 1
        }
        defer { signals.cancel() }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.configuration.threads)
        let exitCode = await self.serve(group: group, signals: signals)
        try? await group.shutdownGracefully()
        return exitCode
    }

    private func serve(group: MultiThreadedEventLoopGroup, signals: SignalReceiver) async -> Int32 {
        let logger = self.logger
        let configuration = self.configuration
        logger.debug(
            "worker starting",
            metadata: ["generation": "\(self.identity.generation)", "listeners": "\(self.identity.listeners)"]
        )
        var listeners: [ListeningSocket] = []
        for (index, text) in self.identity.listeners.enumerated() {
            guard let endpoint = try? ListenEndpoint.parse(text) else {
                logger.error("bad listener argument", metadata: ["listener": "\(text)"])
                return 2
            }
            // The master's sockets: it binds and unlinks them, a worker only serves on its copies.
            let descriptor = WorkerIdentity.firstListenerFD + Int32(index)
            listeners.append(ListeningSocket(endpoint: endpoint, descriptor: descriptor, address: text, owned: false))
        }
        // The master's service-wide text, refreshed every second over the control socket.
        let metrics = Mutex<String?>(nil)
        let stack: ServingStack
        do {
            stack = try await ServingStack.make(
                configuration: configuration,
                listeners: listeners,
                group: group,
                logger: logger,
                methods: self.methods
            ) { _, _ in metrics.withLock { $0 } }
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            return 2
        }
        let server = stack.server
        let dispatcher = stack.dispatcher

        // Set when this worker closes the control socket itself, after draining.
        let closingControl = Atomic<Bool>(false)
        let drainRequested = WorkerDrainRequest(server: server, timeout: configuration.shutdownTimeout)
        let levelControl = self.levelControl
        let control: any Channel
        do {
            control = try await ControlChannel.open(
                descriptor: WorkerIdentity.controlFD,
                on: group,
                onMessage: { message in
                    switch message {
                    case .drain:
                        drainRequested.request(logger: logger, reason: "master")
                    case .logLevel(let level):
                        if let level = Logger.Level(rawValue: level) { levelControl.level = level }
                    case .reopenLogs:
                        try? LogOutput.reopen()
                    case .metrics(let text):
                        metrics.withLock { $0 = text }
                    case .draining(let draining):
                        server.setDraining(draining)
                    case .ready, .heartbeat:
                        break
                    }
                },
                onClose: {
                    // Our own close after draining is not the master leaving.
                    guard !closingControl.load(ordering: .relaxed) else { return }
                    // No master, no one to report to and no supervisor: leave at once, freeing
                    // the ports for the next master.
                    logger.notice("master gone, exiting")
                    ProcessControl.exit(0)
                }
            ).get()
        } catch {
            logger.error("cannot open the control socket", metadata: ["error": "\(error)"])
            return 1
        }

        do {
            try await server.bind()
        } catch {
            logger.error("cannot serve", metadata: ["error": "\(error)"])
            return 1
        }
        // Everything is open now: whatever this worker might start (the crash reporter, a
        // handler's subprocess) must inherit none of it, least of all a listening socket.
        DescriptorFlags.setCloseOnExecOnAll(from: 3)
        control.sendControl(.ready)
        logger.info(
            "serving",
            metadata: [
                "generation": "\(self.identity.generation)", "listeners": "\(listeners.count)",
                "threads": "\(configuration.threads)",
            ]
        )

        let heartbeat = WorkerHeartbeat(
            group: group,
            control: control,
            server: server,
            dispatcher: dispatcher,
            backends: stack.external
        )
        heartbeat.start()

        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                await server.run()
            }
            tasks.addTask {
                for await signal in signals.signals where signal.number == SignalNumber.terminate {
                    drainRequested.request(logger: logger, reason: "SignalNumber.terminate from \(signal.senderPID)")
                }
            }
            await tasks.next()
            tasks.cancelAll()
        }
        // The clients' calls are answered or timed out: the backends finish theirs and stop.
        await stack.external.shutdown()
        stack.accessLog?.stop()
        heartbeat.stop()
        // Last totals for the master's statistics.
        heartbeat.sendFinal()
        closingControl.store(true, ordering: .relaxed)
        try? await control.close()
        return 0
    }
}

/// Starts the drain once, whoever asks first (the master's message or SignalNumber.terminate).
private final class WorkerDrainRequest: Sendable {
    private let requested = Atomic<Bool>(false)
    private let server: RPCServer
    private let timeout: Duration

    init(server: RPCServer, timeout: Duration) {
        self.server = server
        self.timeout = timeout
    }

    func request(logger: Logger, reason: String) {
        guard !self.requested.exchange(true, ordering: .relaxed) else { return }
        logger.debug("worker draining", metadata: ["reason": "\(reason)"])
        self.server.beginShutdown(timeout: self.timeout)
    }
}
