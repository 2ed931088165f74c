import RPCDSupervisor

/// Tables in a known state, so that each test starts at the transition it is about.
enum WorkerTableFixture {
    /// The pid the fixture gives the first-generation worker of `slot`.
    static func pid(slot: Int) -> Int32 { Int32(100 + slot) }

    /// A table whose first generation is spawned (pids 101, 102, …) at `now` and, when `ready`, ready.
    static func running(
        desired: Int,
        _ settings: WorkerTable.Settings = .init(),
        ready: Bool = true,
        at now: ContinuousClock.Instant
    ) -> WorkerTable {
        var table = WorkerTable(desired: desired, settings: settings)
        _ = table.start()
        for slot in 1...desired {
            table.spawned(slot: slot, generation: 1, pid: pid(slot: slot), at: now)
            if ready { _ = table.ready(pid: pid(slot: slot), at: now) }
        }
        return table
    }

    /// `actions` in a fixed order: the table walks a dictionary, so actions for several workers come in any order.
    static func sorted(_ actions: [WorkerTable.Action]) -> [WorkerTable.Action] {
        actions.sorted { "\($0)" < "\($1)" }
    }
}
