internal import JSONRPC
internal import Logging
internal import RPCDAdmin
internal import RPCDBackends
internal import RPCDConfiguration
internal import RPCDLogging
internal import RPCDSystem
internal import RPCDTransport

/// The admin socket's methods with `RPCD_WORKERS=0`: the same results as in master mode, with no
/// workers to list, scale or replace.
enum SingleProcessAdminMethods {
    static func registry(
        loaded: LoadedConfiguration,
        mode: String,
        server: RPCServer,
        listeners: [ListeningSocket],
        dispatcher: Dispatcher,
        backends: ExternalMethods,
        levelControl: LogLevelControl,
        authorizer: AdminAuthorizer
    ) -> MethodRegistry {
        let startedAt = ContinuousClock.now
        let shutdownTimeout = loaded.configuration.shutdownTimeout
        var registry = MethodRegistry()
        func method(_ method: AdminMethod, _ body: @escaping @Sendable (Params) throws -> any AdminPayload) {
            registry.register(method.rawValue) { params, context in
                try authorizer.check(context, method: method.rawValue)
                return try body(params).jsonValue()
            }
        }

        method(.status) { _ in
            StatusResult(
                version: RPCDVersion.current,
                pid: ProcessFacts.pid,
                mode: mode,
                uptimeSeconds: MasterAdminMethods.seconds(since: startedAt),
                generation: 1,
                workers: .init(desired: 0, ready: 0),
                listeners: listeners.map {
                    .init(endpoint: $0.endpoint.description, role: $0.role, address: $0.address)
                },
                requests: dispatcher.counters.calls,
                errors: dispatcher.counters.errors,
                draining: server.isDraining
            )
        }
        method(.workers) { _ in [WorkerInfo]() }
        method(.drain) { params in
            server.setDraining(try params.decode(DrainParams.self).draining)
            return DrainResult(draining: server.isDraining, connections: server.connectionCount)
        }
        method(.stats) { _ in StatsResult(dispatcher.statistics.snapshot()) }
        method(.backends) { _ in backends.snapshots().map(\.adminInfo) }
        method(.config) { _ in MasterAdminMethods.configResult(loaded) }
        method(.logLevel) { params in
            if let text = try params.decode(LogLevelParams.self).level {
                levelControl.level = try MasterAdminMethods.level(text)
            }
            return LogLevelResult(level: levelControl.level.rawValue)
        }
        method(.shutdown) { params in
            let quick = try params.decode(ShutdownParams.self).quick
            server.beginShutdown(timeout: shutdownTimeout, grace: quick ? .zero : loaded.configuration.stopGrace)
            if quick {
                server.closeAllConnections()
            }
            return ShutdownResult(stopping: true, quick: quick)
        }
        method(.reopenLogs) { _ in
            do {
                try LogOutput.reopen()
            } catch {
                throw JSONRPCError.applicationError("cannot reopen the log file: \(error)")
            }
            return ReopenLogsResult(reopened: true)
        }
        for unsupported in [AdminMethod.scale, .reload] {
            registry.register(unsupported.rawValue) { _, context in
                try authorizer.check(context, method: unsupported.rawValue)
                throw JSONRPCError.applicationError(
                    "\(unsupported.rawValue) needs worker processes; rpcd runs in single-process mode (RPCD_WORKERS=0)"
                )
            }
        }
        return registry
    }
}
