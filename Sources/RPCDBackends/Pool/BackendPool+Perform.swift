internal import JSONRPC
internal import NIOCore
internal import RPCDSystem

extension BackendPool {
    typealias Action = BackendPoolState<BackendCall>.Action

    /// Carries out the state machine's actions, in order, outside the lock.
    func perform(_ actions: [Action], channels known: [Int: BackendInput]? = nil) {
        guard !actions.isEmpty else { return }
        var channels = known
        func channel(_ id: Int) -> BackendInput? {
            if channels == nil { channels = self.core.withLockedValue { $0.channels } }
            return channels![id]
        }
        for action in actions {
            switch action {
            case .spawn(let id):
                self.spawn(id)
            case .send(let id, let requestID, let call):
                channel(id)?.write(call.head, requestID: requestID)
                if requestID == nil { call.give(.success(.null)) }
            case .discover(let id, let requestID):
                channel(id)?.write(line: "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":\(requestID)}\n")
            case .cancelRequest(let id, let requestID):
                let line = "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\(requestID)}}\n"
                channel(id)?.write(line: line)
            case .fail(let call, let failure):
                call.give(.failure(self.error(for: failure)))
            case .kill(let id, let pid):
                ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
                self.collectSoon(id, pid: pid, after: .zero)
            case .closeInput(let id):
                channel(id)?.close()
            case .terminate(let pid):
                ProcessGroupSpawner.signalGroup(pid, SignalNumber.terminate)
            case .killGroup(let pid):
                if ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill) {
                    self.core.withLockedValue { $0.lingeringGroups[pid] = $0.lingeringGroups[pid] ?? .now }
                }
            case .discoveryFinished:
                let waiters = self.core.withLockedValue { core in
                    defer { core.discoveryWaiters = [] }
                    return core.discoveryWaiters
                }
                for waiter in waiters { waiter.resume() }
            }
        }
        self.resumeStopWaitersIfFinished()
    }

    func spawn(_ id: Int) {
        let loop = self.group.next()
        self.launcher.launch(on: loop, pool: self, instance: id).whenComplete { result in
            switch result {
            case .success(let started):
                self.logger.debug(
                    "backend instance started",
                    metadata: ["backend.name": "\(self.settings.name)", "backend.pid": "\(started.pid)"]
                )
                let actions = self.core.withLockedValue { core in
                    core.channels[id] = BackendInput(started.channel)
                    return core.state.spawned(instance: id, pid: started.pid, now: .now)
                }
                self.perform(actions)
            case .failure(let error):
                self.logger.error(
                    "backend cannot start",
                    metadata: [
                        "backend.name": "\(self.settings.name)", "backend.command": "\(self.settings.command)",
                        "error": "\(error)",
                    ]
                )
                self.event { $0.spawnFailed(instance: id, reason: "cannot start: \(error)", now: .now) }
            }
        }
    }

    func resumeStopWaitersIfFinished() {
        let waiters = self.core.withLockedValue { core -> [CheckedContinuation<Void, Never>] in
            guard core.state.isFinished, core.lingeringGroups.isEmpty, !core.stopWaiters.isEmpty else { return [] }
            core.tick?.cancel()
            core.tick = nil
            defer { core.stopWaiters = [] }
            return core.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The JSON-RPC error for a failure rpcd answers itself.
    func error(for failure: BackendPoolState<BackendCall>.Failure) -> JSONRPCError {
        switch failure {
        case .timedOut:
            return .requestTimeout
        case .queueFull:
            return ExecOutcome.queueFull
        case .unavailable:
            return JSONRPCError(
                code: JSONRPCErrorCode.serverBusy,
                message: "Server busy",
                data: ["reason": "unavailable", "backend": .string(self.settings.name)]
            )
        case .backendFailed(let reason, let status):
            var data: [(String, JSONValue)] = [("backend", .string(self.settings.name)), ("reason", .string(reason))]
            switch status {
            case .exited(let code)?: data.append(("exit_status", .int(Int(code))))
            case .signaled(let number, _)?: data.append(("signal", .int(Int(number))))
            case nil: break
            }
            return JSONRPCError(
                code: JSONRPCErrorCode.backendFailed,
                message: "Method backend failed",
                data: .object(JSONObject(data))
            )
        }
    }
}
