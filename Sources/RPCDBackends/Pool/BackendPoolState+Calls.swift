extension BackendPoolState {
    /// A new call: sent to the least-loaded ready instance, queued, or refused.
    /// - Parameter isNotification: the client sent no id; the backend gets none either.
    package mutating func submit(
        _ call: Call,
        isNotification: Bool,
        deadline: ContinuousClock.Instant,
        now: ContinuousClock.Instant
    ) -> [Action] {
        if self.draining { return [.fail(call: call, failure: .unavailable)] }
        if self.queue.isEmpty, let id = self.routableInstance() {
            return self.send(call, isNotification: isNotification, deadline: deadline, to: id)
        }
        if self.queue.count >= self.settings.queue { return [.fail(call: call, failure: .queueFull)] }
        if self.readyCount == 0, let since = self.unavailableSince, now >= since + self.settings.startTimeout {
            return [.fail(call: call, failure: .unavailable)]
        }
        self.queue.append(Queued(call: call, isNotification: isNotification, deadline: deadline))
        return []
    }

    /// The caller's task was cancelled (the dispatcher's own timeout): like its deadline passing now.
    package mutating func cancel(_ call: Call, now: ContinuousClock.Instant) -> [Action] {
        if let index = self.queue.firstIndex(where: { $0.call === call }) {
            self.queue.remove(at: index)
            return [.fail(call: call, failure: .timedOut)]
        }
        for (id, instance) in self.instances {
            if let requestID = instance.inFlight.first(where: { $0.value.call === call })?.key {
                var actions = self.timeOut(requestID, of: id, now: now)
                actions += self.dispatchQueue(now: now)
                return actions
            }
        }
        return []
    }

    mutating func send(_ call: Call, isNotification: Bool, deadline: ContinuousClock.Instant, to id: Int) -> [Action] {
        guard isNotification == false else {
            // Counts against nothing once written: it never has an answer to wait for.
            return [.send(instance: id, requestID: nil, call: call)]
        }
        let requestID = self.instances[id]!.takeRequestID()
        self.instances[id]!.inFlight[requestID] = InFlight(call: call, deadline: deadline)
        return [.send(instance: id, requestID: requestID, call: call)]
    }

    /// Moves queued calls to free slots, oldest first.
    mutating func dispatchQueue(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        while !self.queue.isEmpty, let id = self.routableInstance() {
            let next = self.queue.removeFirst()
            actions += self.send(next.call, isNotification: next.isNotification, deadline: next.deadline, to: id)
        }
        return actions
    }

    /// The call `requestID` of instance `id` passed its deadline (or its task was cancelled): its caller gets
    /// -32002, the backend `$/cancelRequest`. With `CONCURRENCY=1` the slot stays held until the answer
    /// comes or `killGrace` passes; otherwise it is freed and a late answer is dropped.
    mutating func timeOut(_ requestID: Int, of id: Int, now: ContinuousClock.Instant) -> [Action] {
        guard var entry = self.instances[id]?.inFlight[requestID], let call = entry.call else { return [] }
        var actions: [Action] = [
            .fail(call: call, failure: .timedOut), .cancelRequest(instance: id, requestID: requestID),
        ]
        if self.settings.concurrency == 1 {
            entry.call = nil
            entry.cancelledAt = now
            self.instances[id]!.inFlight[requestID] = entry
        } else {
            self.instances[id]!.inFlight[requestID] = nil
            self.instances[id]!.late.insert(requestID)
            if self.instances[id]!.late.count > 4096 {
                self.instances[id]!.late.remove(self.instances[id]!.late.min()!)
            }
            self.instances[id]!.calls += 1
            actions += self.afterCall(of: id, now: now)
        }
        return actions
    }

    /// A response line with `requestID` came from instance `id`.
    package mutating func responded(
        instance id: Int,
        requestID: Int,
        now: ContinuousClock.Instant
    ) -> (
        Response, [Action]
    ) {
        // Mutated in place, never through a copy: a copy of the instance would copy its in-flight table.
        guard let phase = self.instances[id]?.phase else { return (.dropped, []) }
        if case .dead = phase { return (.dropped, []) }
        if requestID == self.instances[id]!.discoverRequestID {
            self.instances[id]!.discoverRequestID = nil
            return (.discovery, [])
        }
        if !self.instances[id]!.late.isEmpty, self.instances[id]!.late.remove(requestID) != nil {
            return (.dropped, [])
        }
        guard let entry = self.instances[id]!.inFlight.removeValue(forKey: requestID) else {
            return (.unknown, self.failed(instance: id, reason: "answered id \(requestID), which it was not given"))
        }
        self.instances[id]!.calls += 1
        let actions = self.afterCall(of: id, now: now) + self.dispatchQueue(now: now)
        guard let call = entry.call else { return (.dropped, actions) }
        return (.call(call), actions)
    }

    /// After a call of instance `id` ended: recycle at `MAX_CALLS`, stop a retiring instance once idle.
    mutating func afterCall(of id: Int, now: ContinuousClock.Instant) -> [Action] {
        // Only the figures, not a copy of the instance held across the mutations below.
        guard let (phase, limit, calls) = self.instances[id].map({ ($0.phase, $0.callLimit, $0.calls) }) else {
            return []
        }
        if phase == .ready, let limit, calls >= limit {
            return self.recycle(id, now: now)
        }
        return self.stopIfIdle(id, now: now)
    }
}
