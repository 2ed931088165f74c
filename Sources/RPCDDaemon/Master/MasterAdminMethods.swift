internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDAdmin
internal import RPCDConfiguration
internal import RPCDSupervisor
internal import RPCDSystem

/// The admin socket's methods in master mode (DESIGN §7). Results are RPCDAdmin's shared types,
/// the same ones `rpcd-admin` decodes; every handler runs on the master's loop.
enum MasterAdminMethods {
    static func registry(core: MasterCore, authorizer: AdminAuthorizer, mode: String) -> MethodRegistry {
        var registry = MethodRegistry()
        func sync(_ method: AdminMethod, _ body: @escaping @Sendable (Params) throws -> any AdminPayload) {
            registry.register(method.rawValue) { params, context in
                try authorizer.check(context, method: method.rawValue)
                core.loop.preconditionInEventLoop()
                return try body(params).jsonValue()
            }
        }

        sync(.status) { _ in
            let totals = core.totals
            return StatusResult(
                version: RPCDVersion.current,
                pid: ProcessFacts.pid,
                mode: mode,
                uptimeSeconds: Self.seconds(since: core.startedAt),
                generation: core.table.generation,
                workers: .init(desired: core.table.desired, ready: core.table.readyCount),
                listeners: core.listeners.bound.map {
                    .init(endpoint: $0.endpoint.description, role: $0.endpoint.role, address: $0.address)
                },
                requests: totals.requests,
                errors: totals.errors,
                draining: core.table.draining
            )
        }

        sync(.workers) { _ in
            core.table.sortedWorkers.map { worker in
                WorkerInfo(
                    id: worker.slot,
                    pid: worker.pid,
                    generation: worker.generation,
                    state: worker.state.rawValue,
                    uptimeSeconds: Self.seconds(since: worker.startedAt),
                    requests: worker.stats.requests,
                    errors: worker.stats.errors,
                    inFlight: worker.stats.inFlight,
                    connections: worker.stats.connections,
                    rssBytes: ChildProcesses.residentBytes(worker.pid) ?? 0,
                    restarts: core.table.restarts(slot: worker.slot)
                )
            }
        }

        sync(.scale) { params in
            let count = try params.decode(ScaleParams.self).workers
            guard count >= 1, count <= 1024 else {
                throw JSONRPCError.invalidParams("scale takes {\"workers\": N} with N from 1 to 1024")
            }
            core.scale(to: count)
            return ScaleResult(workers: count)
        }

        sync(.logLevel) { params in
            if let text = try params.decode(LogLevelParams.self).level {
                core.setLogLevel(try Self.level(text))
            }
            return LogLevelResult(level: core.levelControl.level.rawValue)
        }

        sync(.shutdown) { params in
            let quick = try params.decode(ShutdownParams.self).quick
            core.beginStop(quick: quick)
            return ShutdownResult(stopping: true, quick: quick)
        }

        sync(.drain) { params in
            core.perform(core.table.setDraining(try params.decode(DrainParams.self).draining))
            return DrainResult(draining: core.table.draining, connections: core.connections)
        }

        sync(.config) { _ in Self.configResult(core.loaded) }

        sync(.stats) { _ in StatsResult(core.mergedMethodStatistics) }
        sync(.backends) { _ in core.backends.map(\.adminInfo) }

        sync(.reopenLogs) { _ in
            core.reopenLogs()
            return ReopenLogsResult(reopened: true)
        }

        registry.register(AdminMethod.reload.rawValue) { _, context in
            try authorizer.check(context, method: AdminMethod.reload.rawValue)
            let promise = core.loop.makePromise(of: ReloadResult.self)
            core.loop.execute { core.reload(promise: promise) }
            return try await promise.futureResult.get().jsonValue()
        }

        if core.loaded.configuration.testMethods {
            registry.register("test.freeze") { params, context in
                try authorizer.check(context, method: "test.freeze")
                let seconds = try Self.freezeSeconds(params)
                // Blocks the master's loop (signals, reaping, heartbeats, the watchdog ping) the
                // way a bug would, after this answer has been written.
                core.loop.execute {
                    core.logger.warning("test.freeze: blocking the master loop", metadata: ["seconds": "\(seconds)"])
                    ProcessControl.blockThread(seconds: UInt32(seconds))
                }
                return .number(JSONNumber(seconds))
            }
        }
        return registry
    }

    private static func freezeSeconds(_ params: Params) throws(JSONRPCError) -> Int {
        guard case .named(let object) = params, case .number(let number)? = object["seconds"],
            let seconds = number.int64, seconds >= 0, seconds <= 3600
        else {
            throw JSONRPCError.invalidParams("test.freeze takes {\"seconds\": N} with N from 0 to 3600")
        }
        return Int(seconds)
    }

    static func configResult(_ loaded: LoadedConfiguration) -> ConfigResult {
        ConfigResult(
            entries: loaded.entries.map {
                .init(key: $0.name, value: $0.shownValue, source: "\($0.source)", reload: $0.reload.rawValue)
            }
        )
    }

    static func level(_ text: String) throws(JSONRPCError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text) else {
            throw JSONRPCError.invalidParams(
                "level must be one of trace, debug, info, notice, warning, error, critical"
            )
        }
        return level
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18).rounded(.down)
    }
}
