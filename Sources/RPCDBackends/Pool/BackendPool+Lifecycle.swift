internal import JSONRPC

extension BackendPool {
    /// Returns once the methods are known (a first instance answered `rpc.discover`) or `START_TIMEOUT` passed.
    func waitForDiscovery() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = self.core.withLockedValue { core in
                guard core.state.discoveryPending else { return false }
                core.discoveryWaiters.append(continuation)
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    /// Drains and stops every instance; returns once all are collected.
    func shutdown() async {
        self.event { $0.shutdown(now: .now) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.core.withLockedValue { core in
                guard !(core.state.isFinished && core.lingeringGroups.isEmpty) else { return true }
                core.stopWaiters.append(continuation)
                return false
            }
            if done {
                self.core.withLockedValue { core in
                    core.tick?.cancel()
                    core.tick = nil
                }
                continuation.resume()
            }
        }
    }

    /// The pool as `rpcd-admin backends` shows it.
    func snapshot() -> BackendPoolSnapshot {
        self.core.withLockedValue { core in
            let state = core.state
            return BackendPoolSnapshot(
                name: self.settings.name,
                methods: core.methodNames,
                desiredInstances: self.settings.instances,
                readyInstances: state.readyCount,
                inFlight: state.inFlightCount,
                queued: state.queue.count,
                restarts: state.restarts,
                statistics: core.statistics,
                processes: state.instances.keys.sorted().compactMap { id in
                    let instance = state.instances[id]!
                    guard instance.pid > 0 else { return nil }
                    return BackendPoolSnapshot.Process(
                        pid: instance.pid,
                        state: instance.phase.name,
                        calls: instance.calls,
                        rssBytes: instance.rssBytes
                    )
                }
            )
        }
    }

    /// The method objects for `rpc.discover`.
    var methodObjects: [JSONValue] { self.core.withLockedValue { $0.methodObjects } }
}
