internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCDAdmin
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSupervisor
internal import RPCDSystem
internal import RPCDTransport

/// The pre-forking master: owns the listening sockets, the admin socket and the signals,
/// supervises the workers, and never serves requests itself.
struct MasterProcess: Sendable {
    let loaded: LoadedConfiguration
    let service: ServiceEnvironment
    let levelControl: LogLevelControl
    let logger: Logger

    func run() async -> Int32 {
        let logger = self.logger
        let configuration = self.loaded.configuration
        let notifications = ServiceNotifications(
            notifier: self.service.notifier,
            readiness: self.service.readiness,
            logger: logger
        )
        logger.info(
            "rpcd starting",
            metadata: [
                "version": "\(RPCDVersion.current)", "mode": "\(self.service.mode)",
                "workers": "\(configuration.workers)",
            ]
        )
        guard let signals = StopSignals.receiver(notifications: notifications, logger: logger) else { return 1 }
        defer { signals.cancel() }

        guard
            let listeners = ListeningSockets.open(
                self.service,
                configuration,
                notifications: notifications,
                logger: logger
            )
        else {
            return 1
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let core = MasterCore(
            loop: group.next(),
            loaded: self.loaded,
            listeners: listeners,
            levelControl: self.levelControl,
            notifications: notifications,
            logger: logger
        )
        let exitCode = await self.serve(core: core, group: group, signals: signals)
        try? await core.loop.submit { core.finish() }.get()
        try? await group.shutdownGracefully()
        logger.info("stopped")
        return exitCode
    }

    private func serve(core: MasterCore, group: MultiThreadedEventLoopGroup, signals: SignalReceiver) async -> Int32 {
        let logger = self.logger
        let configuration = self.loaded.configuration
        let admin: RPCServer
        do {
            admin = try await AdminSocket.open(
                configuration: configuration,
                activated: self.service.activation?.admin,
                registry: MasterAdminMethods.registry(
                    core: core,
                    authorizer: AdminSocket.authorizer(configuration, logger: logger),
                    mode: self.service.mode
                ),
                group: group,
                logger: logger
            )
        } catch {
            logger.error("cannot start", metadata: ["error": "\(error)"])
            core.notifications.failed("cannot start: \(error)")
            return 1
        }

        core.loop.execute { core.start() }
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                await admin.run()
            }
            tasks.addTask {
                for await signal in signals.signals {
                    core.loop.execute { Self.handle(signal, core: core, logger: logger) }
                }
            }
            try? await core.stopped.get()
            admin.beginShutdown(timeout: .seconds(1))
            // The admin server's run returns once its connections are gone; the signal loop is cancelled.
            await tasks.next()
            tasks.cancelAll()
        }
        return 0
    }

    private static func handle(_ signal: ReceivedSignal, core: MasterCore, logger: Logger) {
        if signal.number == SignalNumber.child {
            core.reapChildren()
            return
        }
        logger.info("signal received", metadata: ["signal": "\(signal)", "sender.pid": "\(signal.senderPID)"])
        switch signal.number {
        case SignalNumber.terminate, SignalNumber.quit, SignalNumber.interrupt:
            if !core.isStopping {
                core.beginStop(quick: false)
            } else if signal.number != SignalNumber.quit {
                core.beginStop(quick: true)
            }
        case SignalNumber.hangup:
            let promise = core.loop.makePromise(of: ReloadResult.self)
            promise.futureResult.whenFailure { error in
                logger.error("reload failed", metadata: ["error": "\(error)"])
            }
            core.reload(promise: promise)
        case SignalNumber.terminalInput:
            core.scale(to: core.table.desired + 1)
        case SignalNumber.terminalOutput:
            if core.table.desired > 1 {
                core.scale(to: core.table.desired - 1)
            } else {
                logger.warning("TTOU ignored: already at one worker")
            }
        case SignalNumber.user1:
            core.reopenLogs()
        default:
            break
        }
    }
}
