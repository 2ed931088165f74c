internal import JSONRPC
internal import Logging
internal import NIOCore
internal import RPCDSupervisor
internal import RPCDSystem

/// The admin socket's methods in master mode (DESIGN §7); each runs on the master's loop.
enum MasterAdminMethods {
    static func registry(core: MasterCore, authorizer: AdminAuthorizer, mode: String) -> MethodRegistry {
        var registry = MethodRegistry()
        func sync(_ name: String, _ body: @escaping @Sendable (Params) throws -> JSONValue) {
            registry.register(name) { params, context in
                try authorizer.check(context, method: name)
                core.loop.preconditionInEventLoop()
                return try body(params)
            }
        }

        sync("status") { _ in
            let configuration = core.loaded.configuration
            _ = configuration
            let totals = core.totals
            return [
                "version": .string(RPCDVersion.current),
                "pid": .number(JSONNumber(Int(ProcessFacts.pid))),
                "mode": .string(mode),
                "uptime_seconds": .number(JSONNumber(Self.seconds(since: core.startedAt))),
                "generation": .number(JSONNumber(core.table.generation)),
                "workers": [
                    "desired": .number(JSONNumber(core.table.desired)),
                    "ready": .number(JSONNumber(core.table.readyCount)),
                ],
                "listeners": .array(
                    core.listeners.bound.map { listener in
                        [
                            "endpoint": .string(listener.endpoint.description),
                            "role": .string(listener.endpoint.role),
                            "address": .string(listener.address),
                        ]
                    }
                ),
                "requests": .number(JSONNumber(totals.requests)),
                "errors": .number(JSONNumber(totals.errors)),
            ]
        }

        sync("workers") { _ in
            .array(
                core.table.sortedWorkers.map { worker in
                    [
                        "id": .number(JSONNumber(worker.slot)),
                        "pid": .number(JSONNumber(Int(worker.pid))),
                        "generation": .number(JSONNumber(worker.generation)),
                        "state": .string(worker.state.rawValue),
                        "uptime_seconds": .number(JSONNumber(Self.seconds(since: worker.startedAt))),
                        "requests": .number(JSONNumber(worker.stats.requests)),
                        "errors": .number(JSONNumber(worker.stats.errors)),
                        "in_flight": .number(JSONNumber(worker.stats.inFlight)),
                        "connections": .number(JSONNumber(worker.stats.connections)),
                        "rss_bytes": .number(JSONNumber(ChildProcesses.residentBytes(worker.pid) ?? 0)),
                        "restarts": .number(JSONNumber(core.table.restarts(slot: worker.slot))),
                    ]
                }
            )
        }

        sync("scale") { params in
            guard case .named(let object) = params, case .number(let number)? = object["workers"],
                let count = number.int64, count >= 1, count <= 1024
            else {
                throw JSONRPCError.invalidParams("scale takes {\"workers\": N} with N from 1 to 1024")
            }
            core.scale(to: Int(count))
            return ["workers": .number(JSONNumber(Int(count)))]
        }

        sync("log_level") { params in
            if case .named(let object) = params, let value = object["level"] {
                guard case .string(let text) = value, let level = Logger.Level(rawValue: text) else {
                    throw JSONRPCError.invalidParams(
                        "level must be one of trace, debug, info, notice, warning, error, critical"
                    )
                }
                core.setLogLevel(level)
            }
            return ["level": .string(core.levelControl.level.rawValue)]
        }

        sync("shutdown") { params in
            var quick = false
            if case .named(let object) = params, case .bool(let value)? = object["quick"] {
                quick = value
            }
            core.beginStop(quick: quick)
            return ["stopping": true, "quick": .bool(quick)]
        }

        sync("config") { _ in
            var members: [(String, JSONValue)] = []
            for entry in core.loaded.entries {
                members.append(
                    (
                        entry.key.rawValue,
                        [
                            "value": .string(entry.value),
                            "source": .string("\(entry.source)"),
                            "reload": .string(entry.reload.rawValue),
                        ]
                    )
                )
            }
            return .object(JSONObject(members))
        }

        sync("stats") { _ in
            ["methods": Self.statsObject(core.mergedMethodStatistics)]
        }

        sync("reopen_logs") { _ in
            core.reopenLogs()
            return ["reopened": true]
        }

        registry.register("reload") { _, context in
            try authorizer.check(context, method: "reload")
            let promise = core.loop.makePromise(of: JSONValue.self)
            core.loop.execute { core.reload(promise: promise) }
            return try await promise.futureResult.get()
        }
        return registry
    }

    /// `{NAME: {calls, errors, p50_ms, p90_ms, p99_ms}}`, names sorted.
    static func statsObject(_ methods: [String: MethodStatisticsSnapshot]) -> JSONValue {
        .object(
            JSONObject(
                methods.sorted { $0.key < $1.key }.map { name, snapshot in
                    (
                        name,
                        [
                            "calls": .number(JSONNumber(snapshot.calls)),
                            "errors": .number(JSONNumber(snapshot.errors)),
                            "p50_ms": .number(JSONNumber(snapshot.latency.percentile(0.50)) ?? JSONNumber(0)),
                            "p90_ms": .number(JSONNumber(snapshot.latency.percentile(0.90)) ?? JSONNumber(0)),
                            "p99_ms": .number(JSONNumber(snapshot.latency.percentile(0.99)) ?? JSONNumber(0)),
                        ]
                    )
                }
            )
        )
    }

    static func seconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).components.seconds)
    }
}
