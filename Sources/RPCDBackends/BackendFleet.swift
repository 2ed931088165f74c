/// The backends of a whole service: every worker's pools of one name merged into one record,
/// as the master answers `rpcd-admin backends` and `/metrics` (DESIGN §10.2).
package enum BackendFleet {
    /// Merges the workers' reports by backend name, in name order: counts add up, latency
    /// histograms merge, methods are the union (in first-seen order), and each process
    /// records the worker slot that runs it.
    /// - Parameter reports: each worker's slot and its pools, as its last heartbeat carried them.
    package static func merge(_ reports: [(worker: Int, backends: [BackendPoolSnapshot])]) -> [BackendPoolSnapshot] {
        var merged: [String: BackendPoolSnapshot] = [:]
        for (worker, backends) in reports.sorted(by: { $0.worker < $1.worker }) {
            for backend in backends {
                let processes = backend.processes.map { process in
                    var process = process
                    process.worker = worker
                    return process
                }
                guard var total = merged[backend.name] else {
                    var first = backend
                    first.processes = processes
                    merged[backend.name] = first
                    continue
                }
                for method in backend.methods where !total.methods.contains(method) {
                    total.methods.append(method)
                }
                total.desiredInstances += backend.desiredInstances
                total.readyInstances += backend.readyInstances
                total.inFlight += backend.inFlight
                total.queued += backend.queued
                total.restarts += backend.restarts
                total.statistics.merge(backend.statistics)
                total.processes += processes
                merged[backend.name] = total
            }
        }
        return merged.values.sorted { $0.name < $1.name }
    }
}
