package import JSONRPC
package import Logging
internal import NIOConcurrencyHelpers
package import NIOCore
package import RPCDConfiguration
internal import RPCDSystem

/// All backend pools of one serving process (DESIGN §10.2): routing by method name, start,
/// snapshots, drain. The dispatcher asks it for every name the registry does not hold.
package final class BackendPools: MethodRouter {
    private let pools: [BackendPool]
    /// `METHODS` exact names, by name.
    private let declared: [String: BackendPool]
    /// `METHODS` `prefix.*` patterns as `prefix.`, in declaration order.
    private let patterns: [(prefix: String, pool: BackendPool)]
    /// Names learned from `rpc.discover` answers.
    private let discovered = NIOLockedValueBox([String: BackendPool]())
    private let logger: Logger

    /// Builds a pool per backend; nothing starts before `start`.
    /// - Parameters:
    ///   - maxLineBytes: `RPCD_MAX_REQUEST_BYTES`: a longer stdout line is a protocol violation.
    ///   - daemonEnvironment: where `PASS_ENV` names are looked up.
    package init(
        backends: [BackendSettings],
        maxLineBytes: Int,
        group: any EventLoopGroup,
        logger: Logger,
        daemonEnvironment: [String: String] = ProcessFacts.environment
    ) {
        self.logger = logger
        let discovered = self.discovered
        self.pools = backends.map { settings in
            BackendPool(
                settings: settings,
                maxLineBytes: maxLineBytes,
                group: group,
                logger: logger,
                daemonEnvironment: daemonEnvironment
            ) { pool, names in
                discovered.withLockedValue { table in
                    table = table.filter { $0.value !== pool }
                    for name in names where table[name] == nil { table[name] = pool }
                }
            }
        }
        var declared: [String: BackendPool] = [:]
        var patterns: [(prefix: String, pool: BackendPool)] = []
        for pool in self.pools {
            for name in pool.settings.methods ?? [] {
                if name.hasSuffix(".*") {
                    patterns.append((String(name.dropLast()), pool))
                } else if declared[name] == nil {
                    declared[name] = pool
                }
            }
        }
        (self.declared, self.patterns) = (declared, patterns)
    }

    /// Spawns every instance of every backend (returns at once).
    package func start() {
        for pool in self.pools { pool.start() }
    }

    /// Returns once every backend without `METHODS` has learned its methods from a first ready
    /// instance, or its `START_TIMEOUT` passed.
    package func waitForDiscovery() async {
        for pool in self.pools { await pool.waitForDiscovery() }
    }

    /// The names served now, with what defines them (`backend greet`), for the clash check.
    package var definitions: [(name: String, origin: String)] {
        self.pools.flatMap { pool in
            pool.snapshot().methods.map { (name: $0, origin: "backend \(pool.settings.name)") }
        }
    }

    package func route(_ method: String) -> RoutedMethodHandler? {
        guard let pool = self.pool(for: method) else { return nil }
        return { params, context, completion in
            pool.call(method, params: params, context: context, completion: completion)
        }
    }

    private func pool(for method: String) -> BackendPool? {
        if let pool = self.declared[method] { return pool }
        for pattern in self.patterns where method.count > pattern.prefix.count && method.hasPrefix(pattern.prefix) {
            return pattern.pool
        }
        return self.discovered.withLockedValue { $0[method] }
    }

    package var discoveredMethods: [JSONValue] {
        self.pools.flatMap(\.methodObjects)
    }

    /// Each pool as `rpcd-admin backends` shows it, in declaration order.
    package func snapshots() -> [BackendPoolSnapshot] {
        self.pools.map { $0.snapshot() }
    }

    /// Drains: new calls get -32004 `unavailable`, in-flight calls finish, stdin closes, SIGTERM after
    /// `STOP_TIMEOUT`, SIGKILL 2 s later. Returns when every instance has been collected.
    package func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for pool in self.pools { group.addTask { await pool.shutdown() } }
        }
    }
}
