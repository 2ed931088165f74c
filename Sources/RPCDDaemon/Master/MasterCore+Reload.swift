internal import JSONRPC
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCDAdmin
internal import RPCDConfiguration
internal import RPCDTransport

extension MasterCore {
    /// What a reload prepares off the loop: the new configuration and the listeners it wants.
    private struct Preparation: Sendable {
        var loaded: LoadedConfiguration
        var listeners: ListeningSockets
        var removed: [ListeningSocket]
        /// Backends that could not be asked their methods (not a refusal: they may recover).
        var warnings: [String] = []
    }

    /// Why a reload was refused before a new generation started.
    private struct Refusal: Error {
        /// For the log line: `reload refused: invalid configuration`.
        var what: String
        var error: any Error
    }

    /// Re-reads the configuration and starts a new generation; the promise gets the admin result
    /// or fails with the reason the reload was refused or rolled back.
    ///
    /// Reading the config file, looking groups up in the name service and resolving listen
    /// addresses can each block for seconds: they run on a thread pool, and only their outcome
    /// comes back to the loop, which keeps reaping, answering and pinging the watchdog meanwhile.
    func reload(promise: EventLoopPromise<ReloadResult>) {
        self.loop.preconditionInEventLoop()
        guard self.pendingReload == nil, !self.table.stopRequested else {
            promise.fail(JSONRPCError.applicationError("a reload or stop is already under way"))
            return
        }
        guard self.hasAnnouncedReady else {
            // systemd would read RELOADING=1 and READY=1 as the end of the start-up.
            promise.fail(JSONRPCError.applicationError("still starting: reload once rpcd is ready"))
            return
        }
        self.pendingReload = PendingReload(promise: promise, startedAt: .now)
        self.notifications.reloading()
        let current = self.loaded
        let listeners = self.listeners
        NIOThreadPool.singleton.runIfActive(eventLoop: self.loop) {
            try Self.prepare(from: current, listeners: listeners)
        }.whenComplete { [self] result in
            switch result {
            case .success(let preparation):
                self.apply(preparation)
            case .failure(let error as Refusal):
                self.refuse(error.what, error.error)
            case .failure(let error):
                self.refuse("reload refused", error)
            }
        }
    }

    /// Off the loop: reads and validates the configuration, binds endpoints it adds.
    private static func prepare(
        from current: LoadedConfiguration,
        listeners: ListeningSockets
    ) throws(Refusal) -> Preparation {
        let next: LoadedConfiguration
        do {
            next = try current.reloaded()
        } catch {
            throw Refusal(what: "invalid configuration", error: error)
        }
        let check = ServingStack.methodsProblem(next.configuration, methods: { _ in })
        if let problem = check.problem {
            throw Refusal(what: "invalid configuration", error: problem)
        }
        guard !listeners.areActivated else {
            // Socket activation: the socket units own the listeners, RPCD_LISTEN plays no part.
            return Preparation(loaded: next, listeners: listeners, removed: [], warnings: check.warnings)
        }
        do {
            let updated = try listeners.updated(to: next.configuration.listen)
            return Preparation(
                loaded: next,
                listeners: updated.sockets,
                removed: updated.removed,
                warnings: check.warnings
            )
        } catch {
            throw Refusal(what: "cannot bind", error: error)
        }
    }

    private func refuse(_ what: String, _ error: any Error) {
        self.loop.preconditionInEventLoop()
        guard let pending = self.pendingReload else { return }
        self.pendingReload = nil
        self.logger.error("reload refused: \(what)", metadata: ["error": "\(error)"])
        self.notifications.ready(status: "reload refused: \(what); " + self.statusLine)
        pending.promise.fail(JSONRPCError.applicationError("reload refused: \(error)"))
    }

    /// Back on the loop: switches to the prepared configuration and starts the new generation.
    private func apply(_ preparation: Preparation) {
        self.loop.preconditionInEventLoop()
        let added = preparation.listeners.bound.filter { listener in
            !self.listeners.bound.contains { $0.descriptor == listener.descriptor }
        }
        guard !self.table.stopRequested else {
            // A stop began while the configuration was read: the new generation never starts.
            for listener in added { ListeningSockets.close(listener) }
            self.refuse("rpcd is stopping", JSONRPCError.applicationError("rpcd is stopping"))
            return
        }
        let next = preparation.loaded
        for warning in preparation.warnings {
            self.logger.warning("\(warning)")
        }
        for change in next.changedEntries(from: self.loaded) where change.reload == .restart {
            self.logger.warning("changed key needs a restart", metadata: ["key": "\(change.key.rawValue)"])
        }
        for listener in added {
            listener.logListening(self.logger)
        }
        self.loaded = next
        self.listeners = preparation.listeners
        self.pendingReload?.removed = preparation.removed
        self.levelControl.level = next.configuration.logLevel
        self.table.settings = Self.settings(next.configuration)
        let actions = self.table.beginReload(at: .now)
        if self.table.desired != next.configuration.workers {
            // The new generation starts at the configured size.
            self.perform(self.table.scale(to: next.configuration.workers, at: .now))
        }
        self.logger.info("reloading", metadata: ["generation": "\(self.table.generation)"])
        self.perform(actions)
    }

    func reloadSucceeded(generation: Int) {
        guard let pending = self.pendingReload else { return }
        self.pendingReload = nil
        let milliseconds = (ContinuousClock.now - pending.startedAt) / .milliseconds(1)
        self.logger.info("reloaded", metadata: ["generation": "\(generation)", "duration_ms": "\(Int(milliseconds))"])
        // Removed endpoints stop accepting once the old generation, which still holds them, has
        // drained; the master's copies can go now.
        for listener in pending.removed { ListeningSockets.close(listener) }
        self.notifications.ready(status: self.statusLine)
        pending.promise.succeed(ReloadResult(generation: generation, durationMs: milliseconds.rounded()))
    }

    func reloadFailed(generation: Int, reason: String) {
        self.logger.error("reload rolled back", metadata: ["generation": "\(generation)", "reason": "\(reason)"])
        guard let pending = self.pendingReload else { return }
        self.pendingReload = nil
        self.notifications.ready(status: "reload rolled back; " + self.statusLine)
        pending.promise.fail(JSONRPCError.applicationError("reload rolled back: \(reason)"))
    }
}
