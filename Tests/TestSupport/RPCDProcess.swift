import Foundation
import Glibc

/// A running `rpcd` started by a test, with its stderr captured and parsed as JSON log lines.
///
/// The child starts from a clean environment (``ChildEnvironment``) plus test defaults: JSON logs,
/// single-process mode, the `test.*` methods and an admin socket inside a private temporary
/// directory; the test's variables override them. When this object goes away while rpcd still
/// runs, rpcd is killed with SIGKILL, so no test leaks a process or a port; tests still end with
/// ``kill()`` or a signal and ``waitForExit(timeout:)`` so that the lifetime is explicit.
public final class RPCDProcess: Sendable {
    /// rpcd's pid.
    public let pid: Int32
    /// A private directory for this process (the admin socket lives here by default).
    public let directory: TemporaryDirectory
    /// The environment rpcd was started with.
    public let environment: [String: String]
    private let child: ChildProcess

    /// Variables every test rpcd gets unless the test sets them. `RPCD_CONFIG=/dev/null` keeps
    /// a host's `/etc/rpcd/rpcd.env` out of the tests.
    public static func defaultEnvironment(directory: TemporaryDirectory) -> [String: String] {
        [
            "RPCD_CONFIG": "/dev/null",
            "RPCD_LOG_FORMAT": "json",
            "RPCD_LOG_LEVEL": "info",
            "RPCD_LOG_TARGET": "stderr",
            "RPCD_WORKERS": "0",
            "RPCD_TEST_METHODS": "1",
            "RPCD_ADMIN_SOCKET": directory.file("admin.sock"),
        ]
    }

    /// Starts rpcd.
    /// - Parameters:
    ///   - environment: variables on top of the defaults (`RPCD_LISTEN` at least).
    ///   - arguments: command-line arguments.
    ///   - executable: the binary; `rpcd` in the ``ProductsDirectory`` by default.
    ///   - unsetting: default variables to leave out, e.g. `RPCD_WORKERS` when a config file
    ///     must decide it (the environment beats the file).
    public init(
        environment: [String: String],
        arguments: [String] = [],
        executable: String? = nil,
        unsetting: Set<String> = []
    ) throws {
        let directory = try TemporaryDirectory(prefix: "rpcd")
        var variables = Self.defaultEnvironment(directory: directory)
        variables.merge(environment) { _, given in given }
        for name in unsetting {
            variables[name] = nil
        }
        let environment = ChildEnvironment.clean(variables)
        self.child = try ChildProcess.spawn(
            executable: try executable ?? ProductsDirectory.rpcd(),
            arguments: arguments,
            environment: environment
        )
        self.pid = self.child.pid
        self.directory = directory
        self.environment = environment
    }

    /// Starts rpcd listening on `listen` (an `RPCD_LISTEN` value) and waits until it is ready.
    /// - Returns: the process and the listeners it bound.
    public static func start(
        listen: String,
        environment: [String: String] = [:],
        arguments: [String] = []
    ) throws -> (RPCDProcess, Listeners) {
        var environment = environment
        environment["RPCD_LISTEN"] = listen
        let daemon = try RPCDProcess(environment: environment, arguments: arguments)
        do {
            return (daemon, try daemon.waitUntilReady())
        } catch {
            daemon.kill()
            throw error
        }
    }

    /// Waits for the `"msg":"ready"` log line and returns the listeners logged before it.
    /// - Throws: when rpcd exits first (with its stderr in the message) or `timeout` passes.
    public func waitUntilReady(timeout: Duration = .seconds(10)) throws -> Listeners {
        let outcome = self.child.wait(timeout: timeout) { lines, status -> Result<Listeners, TestSupportError>? in
            var listeners: [Listener] = []
            for line in lines.lazy.map(LogLine.init) {
                switch line.message {
                case "listening":
                    listeners.append(
                        Listener(
                            endpoint: line["endpoint"] ?? "",
                            role: line["role"] ?? "",
                            address: line["address"] ?? ""
                        )
                    )
                case "ready":
                    return .success(Listeners(listeners))
                default:
                    continue
                }
            }
            if let status {
                return .failure(TestSupportError(.processExited, "rpcd ended (\(status)) before ready"))
            }
            return nil
        }
        // The stderr text is read here, not in the closure: the closure runs under the output lock.
        switch outcome {
        case .success(let listeners)?: return listeners
        case .failure(let error)?: throw TestSupportError(error.code, "\(error.message): \(self.stderrText)")
        case nil: throw TestSupportError(.timedOut, "rpcd not ready after \(timeout): \(self.stderrText)")
        }
    }

    /// Waits for a log line matching `predicate`.
    /// - Throws: when rpcd exits without writing one or `timeout` passes.
    /// - Parameter after: how many lines to skip (a ``logLines`` count taken earlier).
    @discardableResult
    public func waitForLog(
        after skipped: Int = 0,
        timeout: Duration = .seconds(5),
        where predicate: (LogLine) -> Bool = { _ in true }
    ) throws -> LogLine {
        let found = self.child.wait(timeout: timeout) { lines, status -> LogLine?? in
            if let line = lines.dropFirst(skipped).lazy.map(LogLine.init).first(where: predicate) {
                return .some(line)
            }
            return status == nil ? nil : .some(nil)
        }
        guard let found, let line = found else {
            throw TestSupportError(.timedOut, "no such log line within \(timeout): \(self.stderrText)")
        }
        return line
    }

    /// Sends a signal to rpcd.
    /// - Returns: false when rpcd had already exited.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        self.child.send(signal: signal)
    }

    /// Waits for rpcd to exit.
    /// - Throws: ``TestSupportError/Code/timedOut`` when it still runs after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) throws -> ExitStatus {
        guard let status = self.child.wait(timeout: timeout, until: { _, status in status }) else {
            throw TestSupportError(.timedOut, "rpcd still running after \(timeout): \(self.stderrText)")
        }
        return status
    }

    /// How rpcd ended, or nil while it runs.
    public var exitStatus: ExitStatus? {
        self.child.exitStatus
    }

    /// Whether rpcd is still running.
    public var isRunning: Bool {
        self.child.exitStatus == nil
    }

    /// Everything rpcd wrote to stderr so far.
    public var stderrText: String {
        String(decoding: self.child.stderr, as: UTF8.self)
    }

    /// Everything rpcd wrote to stdout so far.
    public var stdoutText: String {
        String(decoding: self.child.stdout, as: UTF8.self)
    }

    /// The complete stderr lines so far, parsed.
    public var logLines: [LogLine] {
        self.child.stderrCompleteLines.map(LogLine.init)
    }

    /// Kills rpcd with SIGKILL (if it still runs) and reaps it; its workers die with it (their
    /// parent-death signal), and so do crash reporters its workers started, which would not.
    public func kill() {
        // Only while rpcd is unreaped are its pid and its children surely still ours.
        var reporters: [(pid: Int32, command: String)] = []
        if self.isRunning {
            for worker in ProcessTable.children(of: self.pid) {
                for reporter in ProcessTable.children(of: worker) {
                    if let command = ProcessTable.command(of: reporter) {
                        reporters.append((reporter, command))
                    }
                }
            }
        }
        self.child.send(signal: SIGKILL)
        _ = self.child.wait(timeout: .seconds(10)) { _, status in status }
        // Still the same command: the pid was not reused meanwhile.
        for reporter in reporters where ProcessTable.command(of: reporter.pid) == reporter.command {
            Glibc.kill(reporter.pid, SIGKILL)
        }
    }

    deinit {
        self.child.send(signal: SIGKILL)
    }
}
