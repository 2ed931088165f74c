package import RPCDSystem

extension BackendPoolState {
    /// A side effect for the caller to carry out, in order.
    package enum Action {
        /// Start the process for `instance`, then report `spawned` or `spawnFailed`.
        case spawn(instance: Int)
        /// Write the call as a request with `requestID` (a notification when nil, answered `null` once written).
        case send(instance: Int, requestID: Int?, call: Call)
        /// Write `rpc.discover` with `requestID`.
        case discover(instance: Int, requestID: Int)
        /// Write `{"method":"$/cancelRequest","params":{"id":requestID}}`.
        case cancelRequest(instance: Int, requestID: Int)
        /// Answer the call with an error rpcd makes.
        case fail(call: Call, failure: Failure)
        /// SIGKILL the group `pid`, then collect the leader soon and report `exited`.
        case kill(instance: Int, pid: Int32)
        /// Close the instance's stdin (the polite stop).
        case closeInput(instance: Int)
        /// SIGTERM the group `pid`.
        case terminate(pid: Int32)
        /// SIGKILL whatever is left of the group `pid` (its leader has been collected).
        case killGroup(pid: Int32)
        /// The methods are known (or `START_TIMEOUT` passed without them): wake `waitForDiscovery`.
        case discoveryFinished
    }

    /// Why rpcd answers a call itself.
    package enum Failure: Equatable, Sendable {
        /// -32006: the instance holding it crashed or broke the protocol.
        case backendFailed(reason: String, status: ExitStatus?)
        /// -32002: its deadline passed.
        case timedOut
        /// -32004 `unavailable`: no instance became ready in time, or the pool is draining.
        case unavailable
        /// -32004 `queue full`.
        case queueFull
    }

    /// What a response line with a given id is for.
    package enum Response {
        /// The answer to this call.
        case call(Call)
        /// The answer to the instance's `rpc.discover`: parse it, then report `discovered` or `failed`.
        case discovery
        /// A late answer to a call already answered -32002: dropped.
        case dropped
        /// An id the instance was not given: it has been killed (see the actions).
        case unknown
    }
}
