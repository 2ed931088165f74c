package import JSONRPC
package import Logging
internal import NIOConcurrencyHelpers
internal import NIOPosix
package import RPCDConfiguration
internal import RPCDSystem

/// The exec methods of one serving generation (DESIGN §10.1): the files scanned from
/// `RPCD_METHODS_DIR` when it was built, run one process per call on a thread pool of
/// `RPCD_METHODS_CONCURRENCY` threads, with up to `RPCD_METHODS_QUEUE` calls waiting.
package final class ExecMethods: MethodProvider {
    /// The methods found.
    package let scan: ExecMethodScanner.Scan
    private let settings: ExecMethodSettings
    private let timeout: Duration
    private let logger: Logger
    private let daemonEnvironment: [String: String]
    private let admission: NIOLockedValueBox<ExecAdmission>
    private let pool: NIOThreadPool?

    /// Scans the directory (each refused file is logged as a warning); no thread starts without methods.
    /// - Throws: `ExecDirectoryError` when `RPCD_METHODS_DIR` cannot be listed.
    package init(configuration: DaemonConfiguration, logger: Logger) throws(ExecDirectoryError) {
        self.settings = configuration.methods
        self.timeout = configuration.requestTimeout
        self.logger = logger
        self.daemonEnvironment = ProcessFacts.environment
        self.admission = NIOLockedValueBox(
            ExecAdmission(concurrency: configuration.methods.concurrency, queue: configuration.methods.queue)
        )
        if let directory = configuration.methods.directory {
            do {
                self.scan = try ExecMethodScanner.scan(
                    directory: directory,
                    allowedOwners: [0, FileFacts.effectiveUserID]
                )
            } catch {
                throw ExecDirectoryError(directory: directory, cause: error)
            }
        } else {
            self.scan = ExecMethodScanner.Scan()
        }
        for warning in self.scan.warnings { logger.warning("\(warning)") }
        if self.scan.definitions.isEmpty {
            self.pool = nil
        } else {
            let pool = NIOThreadPool(numberOfThreads: configuration.methods.concurrency)
            pool.start()
            self.pool = pool
        }
    }

    deinit {
        self.pool?.shutdownGracefully { _ in }
    }

    package var definitions: [(name: String, origin: String)] {
        self.scan.definitions.map { ($0.name, "exec method \($0.path)") }
    }

    package func register(into registry: inout MethodRegistry) {
        for definition in self.scan.definitions {
            registry.register(
                definition.name,
                description: MethodDescription(summary: "exec method \(definition.path)")
            ) { [self] params, context in
                try await self.call(definition, params: params, context: context)
            }
        }
    }

    private func call(
        _ definition: ExecMethodDefinition,
        params: Params,
        context: RequestContext
    ) async throws -> JSONValue {
        guard let pool = self.pool, self.admission.withLockedValue({ $0.admit() }) else {
            throw ExecOutcome.queueFull
        }
        let deadline = ContinuousClock.now + self.timeout
        let input = params.jsonValue.map(JSONWriter.serialize) ?? Array("null".utf8)
        let directory = self.settings.directory ?? "/"
        let (passed, daemonEnvironment) = (self.settings.passEnvironment, self.daemonEnvironment)
        let (maxOutput, logger, admission) = (self.settings.maxOutputBytes, self.logger, self.admission)
        // RPCD_DEADLINE_MS is what is left when the process starts: the wait in the queue counts.
        let environment = { @Sendable (now: ContinuousClock.Instant) in
            ExecEnvironment.entries(
                method: definition.name,
                requestID: context.requestID,
                deadlineMilliseconds: Int64(ExecCallRunner.milliseconds(until: deadline, from: now)),
                context: context,
                passed: passed,
                daemonEnvironment: daemonEnvironment
            )
        }
        let answer = ExecAnswer()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
                answer.wait(continuation)
                pool.submit { state in
                    defer { admission.withLockedValue { $0.finish() } }
                    let now = ContinuousClock.now
                    guard case .active = state, now < deadline else {
                        answer.give(.failure(JSONRPCError.requestTimeout))
                        return
                    }
                    var runner = ExecCallRunner(
                        definition: definition,
                        directory: directory,
                        environment: environment(now),
                        input: input,
                        deadline: deadline,
                        maxOutput: maxOutput,
                        errorLines: Self.errorLines(logger, method: definition.name)
                    )
                    answer.give(Self.outcome(runner.run(), maxOutput: maxOutput, method: definition.name, logger))
                }
            }
        } onCancel: {
            // The dispatcher has answered -32002; the runner still ends the group on its own deadline.
            answer.give(.failure(JSONRPCError.requestTimeout))
        }
    }

    private static func outcome(
        _ run: Result<ExecCompletion, ExecCallRunner.Failure>,
        maxOutput: Int,
        method: String,
        _ logger: Logger
    ) -> Result<JSONValue, any Error> {
        switch run {
        case .success(let completion):
            return ExecOutcome.map(completion, maxOutput: maxOutput).mapError { $0 }
        case .failure(.timedOut):
            return .failure(JSONRPCError.requestTimeout)
        case .failure(.spawnFailed(let error)):
            logger.error("exec method cannot start", metadata: ["rpc.method": "\(method)", "error": "\(error)"])
            return .failure(ExecOutcome.backendFailed("cannot start: \(error.errno)"))
        }
    }

    private static func errorLines(_ logger: Logger, method: String) -> ErrorLineCollector {
        ErrorLineCollector(
            emit: { line, pid in
                logger.warning("\(line)", metadata: ["rpc.method": "\(method)", "exec.pid": "\(pid)"])
            },
            dropped: { count in
                logger.warning("more stderr lines dropped", metadata: ["rpc.method": "\(method)", "lines": "\(count)"])
            }
        )
    }
}

extension ExecMethods {
    /// Registers the methods into `registry` unless one of them is already there.
    /// - Throws: `MethodNameClash` naming both definitions; nothing is registered then.
    package func register(checkedInto registry: inout MethodRegistry) throws(MethodNameClash) {
        if let clash = self.clash(with: registry.methodNames) { throw clash }
        self.register(into: &registry)
    }

    /// The exec methods `configuration` would serve, with what defines them: a scan that starts
    /// nothing (the master's check at start and before a reload, DESIGN §10).
    /// - Throws: `ExecDirectoryError` when `RPCD_METHODS_DIR` cannot be listed.
    static func scannedDefinitions(
        _ configuration: DaemonConfiguration
    ) throws(ExecDirectoryError) -> [(name: String, origin: String)] {
        guard let directory = configuration.methods.directory else { return [] }
        do {
            let scan = try ExecMethodScanner.scan(directory: directory, allowedOwners: [0, FileFacts.effectiveUserID])
            return scan.definitions.map { ($0.name, "exec method \($0.path)") }
        } catch {
            throw ExecDirectoryError(directory: directory, cause: error)
        }
    }
}
