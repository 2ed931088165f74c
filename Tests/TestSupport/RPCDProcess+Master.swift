/// Master mode (`RPCD_WORKERS` ≥ 1): the admin socket, the worker processes and the master's
/// log lines about them.
extension RPCDProcess {
    /// Starts rpcd as a master with `workers` worker processes listening on `listen` and waits
    /// for its `ready` line (logged once every worker is ready).
    public static func startMaster(
        workers: Int,
        listen: String,
        environment: [String: String] = [:]
    ) throws -> (RPCDProcess, Listeners) {
        var environment = environment
        environment["RPCD_WORKERS"] = "\(workers)"
        return try self.start(listen: listen, environment: environment)
    }

    /// The admin socket's path (`RPCD_ADMIN_SOCKET`).
    public var adminSocket: String {
        self.environment["RPCD_ADMIN_SOCKET"] ?? ""
    }

    /// `rpcd-admin` aimed at this process's admin socket.
    public var admin: AdminTool {
        AdminTool(socket: self.adminSocket)
    }

    /// The pids of rpcd's child processes (its workers), from `/proc`.
    public var childPIDs: Set<Int32> {
        ProcessTable.children(of: self.pid)
    }

    /// Waits for the master's `worker ready` line (the one with `worker.pid`; a worker logs its
    /// own at debug level) for slot `id`, if given, from a pid not in `excluding`.
    @discardableResult
    public func waitForWorkerReady(
        after mark: Int,
        id: Int? = nil,
        excluding: Set<Int32> = [],
        timeout: Duration = .seconds(10)
    ) throws -> LogLine {
        try self.waitForLog(after: mark, timeout: timeout) { line in
            guard line.message == "worker ready", let pid = line["worker.pid"].flatMap({ Int32($0) }) else {
                return false
            }
            return !excluding.contains(pid) && (id == nil || line["worker.id"] == "\(id!)")
        }
    }

    /// Waits for the master's log line `message`.
    @discardableResult
    public func waitForMessage(
        _ message: String,
        after mark: Int = 0,
        timeout: Duration = .seconds(10),
        where predicate: (LogLine) -> Bool = { _ in true }
    ) throws -> LogLine {
        try self.waitForLog(after: mark, timeout: timeout) { $0.message == message && predicate($0) }
    }
}

extension RPCDProcess {
    /// The text that marks a worker trapping in SwiftNIO's debug-build assertion
    /// `assert(readResult == .some)` in `BaseSocketChannel.readable0()`: epoll reported the shared
    /// listening socket readable, another worker accepted the connection first, and this one's
    /// `accept` found nothing (see the worker supervision tests' known issue).
    public static let acceptRaceSignature = "BaseSocketChannel.swift"

    /// How many workers trapped in SwiftNIO's accept-race assertion so far (crash reports on stderr).
    public var acceptRaceTraps: Int {
        self.stderrText.split(separator: "\n").count {
            $0.contains(Self.acceptRaceSignature) && $0.contains("Assertion failed")
        }
    }

    /// The JSON log lines so far except `listening` (and without crash reports), for failure messages.
    public var jsonLogText: String {
        self.logLines.filter { $0.isJSON && $0.message != "listening" }.map(\.text).joined(separator: "\n")
    }
}
