package import RPCDConfiguration
internal import RPCDSystem

extension ExternalMethods {
    /// Why `configuration`'s exec methods and backends cannot serve beside the `registered`
    /// methods: an unlistable `RPCD_METHODS_DIR`, or a method name defined twice (built-in, exec
    /// method, backend; a `prefix.*` pattern covers every name it matches). Nil when they can.
    ///
    /// Backends without `METHODS` are started once and asked `rpc.discover` (bounded by their
    /// `START_TIMEOUT`, then their process group is killed); one that does not answer is a
    /// warning and checked no further here: it may be failing now and recover later, and rpcd
    /// must serve the rest meanwhile. Blocking: the master runs it before it serves, or on a
    /// thread pool.
    /// - Returns: the problem, if any, and the warnings to show.
    package static func problem(
        _ configuration: DaemonConfiguration,
        registered: [String]
    ) -> (problem: (any Error)?, warnings: [String]) {
        var warnings: [String] = []
        var defined: [(name: String, origin: String)] = registered.map { ($0, "built-in method") }
        do {
            // Exec method names are exact: one already registered is a clash with a built-in.
            for definition in try ExecMethods.scannedDefinitions(configuration) {
                if registered.contains(definition.name) {
                    return (
                        MethodNameClash(name: definition.name, first: "built-in method", second: definition.origin), []
                    )
                }
                defined.append(definition)
            }
        } catch {
            return (error, [])
        }
        let environment = ProcessFacts.environment
        for backend in configuration.backends {
            let names: [String]
            if let declared = backend.methods {
                names = declared
            } else {
                switch BackendProbe.methodNames(
                    backend,
                    maxLineBytes: configuration.maxRequestBytes,
                    daemonEnvironment: environment
                ) {
                case .success(let discovered):
                    names = discovered
                case .failure(let error):
                    warnings.append("\(error); its method names are not checked for clashes")
                    continue
                }
            }
            let origin = "backend \(backend.name)"
            for name in names {
                if let first = defined.first(where: { MethodNamePattern.overlap($0.name, name) }) {
                    return (MethodNameClash(name: name, first: first.origin, second: origin), warnings)
                }
            }
            defined += names.map { ($0, origin) }
        }
        return (nil, warnings)
    }
}
