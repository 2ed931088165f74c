package import JSONRPC
package import Logging
package import NIOCore
package import RPCDConfiguration
internal import RPCDSystem

/// The methods of one serving generation that other programs serve (DESIGN §10): the exec
/// methods of `RPCD_METHODS_DIR` and the backend pools, registered beside the built-ins.
package final class ExternalMethods: Sendable {
    /// The exec methods scanned when the generation was built.
    package let exec: ExecMethods
    /// The backend pools, routed by the dispatcher for names the registry does not hold.
    package let pools: BackendPools
    private let logger: Logger

    /// Scans the exec methods and prepares the pools; no backend starts before `start(into:)`.
    /// - Throws: `ExecDirectoryError` when `RPCD_METHODS_DIR` cannot be listed.
    package init(configuration: DaemonConfiguration, group: any EventLoopGroup, logger: Logger) throws {
        self.exec = try ExecMethods(configuration: configuration, logger: logger)
        self.pools = BackendPools(
            backends: configuration.backends,
            maxLineBytes: configuration.maxRequestBytes,
            group: group,
            logger: logger
        )
        self.logger = logger
    }

    /// Registers the exec methods, starts every backend instance and waits until the backends
    /// that name their methods with `rpc.discover` have done so (or their `START_TIMEOUT` passed),
    /// then routes the rest of the names to the pools.
    ///
    /// A name a backend reports that is already defined stays with its first definition (the
    /// master checked the names before this generation started; a backend that answers otherwise
    /// now is logged, not obeyed).
    /// - Throws: `MethodNameClash` when an exec method has the name of a registered method.
    package func start(into registry: inout MethodRegistry) async throws(MethodNameClash) {
        try self.exec.register(checkedInto: &registry)
        self.pools.start()
        await self.pools.waitForDiscovery()
        var defined = Dictionary(registry.methodNames.map { ($0, "built-in method") }) { first, _ in first }
        for definition in self.exec.definitions { defined[definition.name] = definition.origin }
        for definition in self.pools.definitions {
            if let first = defined[definition.name], first != definition.origin {
                self.logger.error(
                    "method defined twice; the first definition serves it",
                    metadata: [
                        "rpc.method": "\(definition.name)", "first": "\(first)", "second": "\(definition.origin)",
                    ]
                )
            } else {
                defined[definition.name] = definition.origin
            }
        }
        registry.router = self.pools
    }

    /// Drains the pools: no new calls, in-flight ones finish, then the stop sequence.
    package func shutdown() async {
        await self.pools.shutdown()
    }

    /// The pools' figures now.
    package func snapshots() -> [BackendPoolSnapshot] {
        self.pools.snapshots()
    }
}
