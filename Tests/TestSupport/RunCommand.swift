import Glibc

/// What a command run to completion left behind.
public struct CommandResult: Sendable, CustomStringConvertible {
    /// How it ended.
    public let status: ExitStatus
    /// Everything it wrote to stdout.
    public let stdout: String
    /// Everything it wrote to stderr.
    public let stderr: String

    /// The exit code, or nil when a signal killed it.
    public var exitCode: Int32? {
        if case .exited(let code) = self.status { code } else { nil }
    }

    public var description: String { "\(self.status)\nstdout: \(self.stdout)\nstderr: \(self.stderr)" }
}

/// A command to run to completion with a clean environment, e.g. `rpcd --check-config`.
public struct RunCommand: Sendable {
    /// The executable's path.
    public var executable: String
    /// The arguments after the executable's name.
    public var arguments: [String]
    /// Variables on top of ``ChildEnvironment/clean(_:)``.
    public var environment: [String: String]

    /// Describes a command.
    public init(executable: String, arguments: [String] = [], environment: [String: String] = [:]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// An `rpcd` command from the ``ProductsDirectory``; unless `environment` names a config
    /// file, `RPCD_CONFIG=/dev/null` keeps a host's `/etc/rpcd/rpcd.env` out of the test.
    public static func rpcd(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> RunCommand {
        var environment = environment
        if environment["RPCD_CONFIG"] == nil {
            environment["RPCD_CONFIG"] = "/dev/null"
        }
        return RunCommand(executable: try ProductsDirectory.rpcd(), arguments: arguments, environment: environment)
    }

    /// Runs the command and waits for it to exit and close its output.
    /// - Throws: ``TestSupportError/Code/timedOut`` (after killing it) when it runs longer than `timeout`.
    public func run(timeout: Duration = .seconds(10)) throws -> CommandResult {
        let child = try ChildProcess.spawn(
            executable: self.executable,
            arguments: self.arguments,
            environment: ChildEnvironment.clean(self.environment)
        )
        guard let status = child.waitForCompletion(timeout: timeout) else {
            child.send(signal: SIGKILL)
            throw TestSupportError(
                .timedOut,
                "\(self.executable) \(self.arguments) still running after \(timeout); stderr: "
                    + String(decoding: child.stderr, as: UTF8.self)
            )
        }
        return CommandResult(
            status: status,
            stdout: String(decoding: child.stdout, as: UTF8.self),
            stderr: String(decoding: child.stderr, as: UTF8.self)
        )
    }
}
