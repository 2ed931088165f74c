internal import JSONRPC
internal import Logging
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import RPCDConfiguration
internal import RPCDSystem

/// One backend of one serving process (DESIGN §10.2): its instances, their pipes, the calls routed to
/// it. The decisions are `BackendPoolState`'s, under a lock; this class carries them out.
final class BackendPool: Sendable {
    /// What the lock guards: the decisions and the I/O handles they refer to.
    struct Core {
        var state: BackendPoolState<BackendCall>
        /// Each running instance's stdout+stdin channel.
        var channels: [Int: BackendInput] = [:]
        /// Instances whose stdout has ended.
        var closedOutputs: Set<Int> = []
        /// Instances collected while their stdout was still open (a forked child holds it): the status, and when.
        var exits: [Int: (status: ExitStatus, at: ContinuousClock.Instant)] = [:]
        /// The method objects of the last `rpc.discover` answer (or minimal ones for `METHODS` names).
        var methodObjects: [JSONValue] = []
        /// The names served: `METHODS` as declared, or the names `rpc.discover` listed.
        var methodNames: [String]
        /// Groups killed after their leader was collected, until none of their processes is left.
        var lingeringGroups: [Int32: ContinuousClock.Instant] = [:]
        var statistics = MethodStatisticsSnapshot()
        var discoveryWaiters: [CheckedContinuation<Void, Never>] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var tick: RepeatedTask?
        var ticks = 0
    }

    /// The sweep's period: the resolution of deadlines, backoff and stop timers.
    static let tickInterval = TimeAmount.milliseconds(50)
    /// Resident sizes are read every this many ticks.
    static let ticksPerMeasurement = 10

    let settings: BackendSettings
    let launcher: BackendLauncher
    let group: any EventLoopGroup
    let logger: Logger
    let core: NIOLockedValueBox<Core>
    /// Told the method names once an instance has listed them.
    let methodsLearned: @Sendable (BackendPool, [String]) -> Void

    init(
        settings: BackendSettings,
        maxLineBytes: Int,
        group: any EventLoopGroup,
        logger: Logger,
        daemonEnvironment: [String: String],
        methodsLearned: @escaping @Sendable (BackendPool, [String]) -> Void
    ) {
        self.settings = settings
        self.group = group
        self.logger = logger
        self.methodsLearned = methodsLearned
        self.launcher = BackendLauncher(
            settings: settings,
            environment: BackendEnvironment.entries(settings, daemonEnvironment: daemonEnvironment),
            maxLineBytes: maxLineBytes,
            logger: logger
        )
        let state = BackendPoolState<BackendCall>(settings: Self.decisionSettings(settings), now: .now)
        var core = Core(state: state, methodNames: settings.methods ?? [])
        core.methodObjects = (settings.methods ?? []).filter { !$0.hasSuffix(".*") }.map(Self.minimalMethodObject)
        self.core = NIOLockedValueBox(core)
    }

    static func decisionSettings(_ settings: BackendSettings) -> BackendPoolState<BackendCall>.Settings {
        BackendPoolState<BackendCall>.Settings(
            instances: settings.instances,
            concurrency: settings.concurrency,
            queue: settings.queue,
            startTimeout: settings.startTimeout,
            stopTimeout: settings.stopTimeout,
            maxCalls: settings.maxCalls,
            maxRSSBytes: settings.maxRSSBytes,
            discovers: settings.methods == nil
        )
    }

    static func minimalMethodObject(_ name: String) -> JSONValue {
        [
            "name": .string(name), "params": [],
            "result": ["name": "result", "schema": .object(JSONObject())],
        ]
    }

    /// Spawns every instance and starts the sweep.
    func start() {
        let loop = self.group.next()
        let actions = self.core.withLockedValue { core -> [BackendPoolState<BackendCall>.Action] in
            guard core.tick == nil else { return [] }
            core.tick = loop.scheduleRepeatedTask(initialDelay: Self.tickInterval, delay: Self.tickInterval) {
                [self] _ in self.tick()
            }
            return core.state.start(now: .now)
        }
        self.perform(actions)
    }

    /// One call (a notification when `context.requestID` is nil): `completion` gets its result, or
    /// the error to answer, once, from whichever thread decides it (the instance's event loop, the
    /// sweep, or this one for a call refused at once). Nothing blocks and no task is made: the
    /// pool's own deadline (`TIMEOUT`) ends a call the backend does not answer.
    func call(
        _ method: String,
        params: Params,
        context: RequestContext,
        completion: @escaping @Sendable (Result<JSONValue, JSONRPCError>) -> Void
    ) {
        let started = ContinuousClock.now
        let core = self.core
        let call = BackendCall(method: method, params: params) { result in
            let elapsed = (ContinuousClock.now - started).components
            let nanoseconds = elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
            let failed = if case .failure = result { true } else { false }
            core.withLockedValue { $0.statistics.record(nanoseconds: nanoseconds, failed: failed) }
            completion(result)
        }
        let isNotification = context.requestID == nil
        let deadline = started + self.settings.timeout
        self.event { $0.submit(call, isNotification: isNotification, deadline: deadline, now: started) }
    }

    /// Runs one event of the state machine under the lock, then its actions outside it.
    func event(_ body: (inout BackendPoolState<BackendCall>) -> [BackendPoolState<BackendCall>.Action]) {
        let (actions, channels) = self.core.withLockedValue { (body(&$0.state), $0.channels) }
        self.perform(actions, channels: channels)
    }
}
