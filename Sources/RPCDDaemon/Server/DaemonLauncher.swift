internal import Dispatch
public import JSONRPC
internal import Logging
internal import RPCDBackends
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSystem
internal import Synchronization

/// The synchronous entry point behind the `rpcd` executable.
///
/// It stays synchronous up to the point where the daemon starts serving, so that process-level
/// steps (systemd's variables, validation, the classic double fork, the signal mask) happen
/// before any thread exists.
public enum DaemonLauncher {
    /// Loads and validates the configuration, then either reports it (`checkOnly`) or runs the daemon.
    /// - Parameters:
    ///   - flags: command-line settings keyed by their environment name, e.g. `RPCD_CONFIG`.
    ///   - checkOnly: print the effective configuration (`--check-config`) instead of serving.
    ///   - methods: registers the embedding program's own methods beside the built-in ones.
    /// - Returns: the process exit code (0 stopped cleanly, 1 runtime failure, 2 invalid configuration).
    public static func launch(
        flags: [String: String] = [:],
        checkOnly: Bool = false,
        methods: @escaping @Sendable (inout MethodRegistry) -> Void = { _ in }
    ) -> Int32 {
        if let worker = WorkerIdentity.parse(arguments: CommandLine.arguments) {
            // An embedding program's own executable, started by its master as a worker.
            return launchWorker(worker.identity, flags: flags.merging(worker.flags) { _, new in new }, methods: methods)
        }
        // SignalNumber.abort kills, as the watchdog and the master's hung-worker handling expect: Swift's
        // crash backtracer would catch it, and where it cannot run (a sandbox with
        // MemoryDenyWriteExecute=yes) it lets the process carry on.
        ProcessControl.setDefaultAction(SignalNumber.abort)
        // Everything up to serving stays on this one thread: reading systemd's variables, the
        // configuration, the classic double fork (which must not copy a process with threads).
        var service: ServiceEnvironment
        do {
            service = try ServiceEnvironment.read()
        } catch {
            StandardError.write("rpcd: \(error)\n")
            _ = try? SystemdNotifier.fromEnvironment().notify("STATUS=\(SystemdNotifier.statusLine(error.message))")
            return 2
        }
        guard let loaded = loadConfiguration(flags: flags, program: "rpcd") else {
            _ = try? service.notifier.notify("STATUS=invalid configuration")
            return 2
        }
        for warning in loaded.warnings {
            StandardError.write("rpcd: warning: \(warning)\n")
        }
        let activated = service.activation?.listeners.map(\.endpoint) ?? []
        if let problem = loaded.configuration.unauthenticatedExposure(of: activated) {
            StandardError.write("rpcd: socket-activated listener \(problem)\n")
            return 2
        }
        // Exec methods that cannot serve (a name defined twice, an unreadable RPCD_METHODS_DIR) are
        // refused before any worker starts, and by --check-config (DESIGN §10).
        let check = ServingStack.methodsProblem(loaded.configuration, methods: methods)
        for warning in check.warnings {
            StandardError.write("rpcd: warning: \(warning)\n")
        }
        if let problem = check.problem {
            StandardError.write("rpcd: \(problem)\n")
            return 2
        }
        if checkOnly {
            StandardOutput.write(loaded.checkConfigReport())
            StandardOutput.write(AuthenticationMethod.files(loaded.configuration).usersSummary)
            return 0
        }

        let configuration = loaded.configuration
        if configuration.daemon {
            guard !service.notifier.isEnabled else {
                StandardError.write(
                    "rpcd: --daemon (RPCD_DAEMON=1) is refused under a Type=notify unit (NOTIFY_SOCKET is set): "
                        + "the double fork would lose the main pid; systemd runs rpcd in the foreground\n"
                )
                return 2
            }
            do {
                let keep = Set(service.activation?.descriptors ?? [])
                service.readiness = try Daemonization.detach(keeping: keep)
                service.mode = "daemon"
            } catch {
                StandardError.write("rpcd: cannot detach: \(error)\n")
                return 1
            }
        }
        // Before any thread exists (and after the daemon's signal reset), so every thread
        // inherits the mask and signals reach rpcd only through its signalfd.
        do {
            try SignalReceiver.block(StopSignals.handled)
        } catch {
            service.report("cannot block signals: \(error)", exitCode: 1)
            return 1
        }
        var pidfile: PidFile?
        if let path = configuration.pidfile {
            do {
                pidfile = try PidFile(path: path)
            } catch {
                service.report(error.message, exitCode: 1)
                return 1
            }
        }
        defer { pidfile?.remove() }
        if let pidfile {
            // "A daemon that fails to start removes its pidfile" holds when the parent exits.
            service.readiness?.beforeFailing { pidfile.remove() }
        }

        let levelControl = bootstrapLogging(configuration, worker: nil)
        let settled = service
        let logger = Logger(label: "rpcd")
        if configuration.workers == 0 {
            return runBlocking {
                await SingleProcess(
                    loaded: loaded,
                    service: settled,
                    levelControl: levelControl,
                    logger: logger,
                    methods: methods
                ).run()
            }
        }
        return runBlocking {
            await MasterProcess(loaded: loaded, service: settled, levelControl: levelControl, logger: logger).run()
        }
    }

    /// The entry point of a worker process, which the master starts as `rpcd --worker N ...`.
    /// - Returns: the process exit code.
    public static func launchWorker(
        _ identity: WorkerIdentity,
        flags: [String: String] = [:],
        methods: @escaping @Sendable (inout MethodRegistry) -> Void = { _ in }
    ) -> Int32 {
        ProcessControl.setDefaultAction(SignalNumber.abort)
        // Workers are spawned from /proc/self/exe, which the kernel would otherwise name "exe".
        try? ProcessControl.setName("rpcd-worker")
        // The master alone decides what terminal signals mean; SignalNumber.terminate (drain) is read from a
        // signalfd, so it is blocked before any thread exists.
        for number in WorkerProcess.ignoredSignals {
            ProcessControl.ignore(number)
        }
        do {
            try SignalReceiver.block([SignalNumber.terminate])
        } catch {
            StandardError.write("rpcd worker: cannot block signals: \(error)\n")
            return 1
        }
        guard let loaded = loadConfiguration(flags: flags, program: "rpcd worker") else { return 2 }
        let configuration = loaded.configuration
        let levelControl = bootstrapLogging(configuration, worker: identity.slot)
        let worker = WorkerProcess(
            identity: identity,
            configuration: configuration,
            levelControl: levelControl,
            logger: Logger(label: "rpcd"),
            methods: methods
        )
        return runBlocking { await worker.run() }
    }

    private static func loadConfiguration(flags: [String: String], program: String) -> LoadedConfiguration? {
        do {
            return try ConfigurationLoader.load(
                flags: flags,
                environment: ProcessFacts.environment,
                currentDirectory: ProcessFacts.currentDirectory
            )
        } catch {
            StandardError.write("\(program): invalid configuration: \(error)\n")
            return nil
        }
    }

    private static func bootstrapLogging(_ configuration: DaemonConfiguration, worker: Int?) -> LogLevelControl {
        let levelControl = LogLevelControl(configuration.logLevel)
        LoggingSystem.bootstrap(
            LogOutput.makeFactory(
                target: configuration.logTarget,
                format: configuration.logFormat,
                level: levelControl,
                worker: worker,
                detached: configuration.daemon
            )
        )
        return levelControl
    }

    /// Runs an async body to completion from synchronous code.
    private static func runBlocking(_ body: @escaping @Sendable () async -> Int32) -> Int32 {
        let result = Mutex<Int32>(1)
        let done = DispatchSemaphore(value: 0)
        Task {
            let code = await body()
            result.withLock { $0 = code }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }
}
