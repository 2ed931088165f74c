import ArgumentParser
import RPCDAdmin
import RPCDSystem

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The admin socket (default: RPCD_ADMIN_SOCKET, else rpcd's default path).",
            valueName: "path"
        ),
        completion: .file()
    )
    var socket: String?

    @Flag(help: "Print the admin method's result as JSON.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "How long to wait for rpcd: seconds, or 500ms, 60s, 2m (default: 5s; reload: 120s; drain --wait: 60s).",
            valueName: "duration"
        )
    )
    var timeout: String?

    func validate() throws {
        if let timeout = self.timeout {
            do {
                _ = try AdminCommand.timeout(timeout)
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    /// Runs `command` with these options and exits with its status.
    func run(_ command: AdminCommand, tls: TLSClientSettings = .init()) throws {
        var invocation = AdminInvocation(
            command: command,
            socketPath: self.socket
                ?? AdminSocketPath.resolve(
                    environment: ProcessFacts.environment,
                    // rpcd-admin is not setuid: the real and effective ids agree.
                    effectiveUserID: ProcessFacts.effectiveUserID
                ),
            json: self.json,
            timeout: try self.timeout.map { text throws in try AdminCommand.timeout(text) } ?? command.defaultTimeout
        )
        invocation.tls = tls
        let status = invocation.run()
        if status != AdminExitStatus.success {
            throw ExitCode(status)
        }
    }

    /// Moves options written before the command name to after it (`rpcd-admin --json status` →
    /// `rpcd-admin status --json`), so that the command sees them.
    static func movedAfterCommand(_ arguments: [String]) -> [String] {
        let takesValue: Set = ["--socket", "--timeout"]
        let flags: Set = ["--json"]
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if takesValue.contains(name) {
                leading.append(argument)
                if name == argument, index + 1 < arguments.count {
                    leading.append(arguments[index + 1])
                    index += 1
                }
                index += 1
            } else {
                break
            }
        }
        // Only a command name may follow; anything else (help, a typo) is left to the parser as written.
        guard !leading.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else {
            return arguments
        }
        return [arguments[index]] + leading + arguments[(index + 1)...]
    }
}
