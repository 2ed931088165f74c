import ArgumentParser
import RPCDAdmin
import RPCDSystem

/// `rpcd-admin`: the operator's control client. Parses the command line and hands an
/// ``AdminInvocation`` to the RPCDAdmin library, which talks to the admin socket and prints.
@main
struct RPCDAdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpcd-admin",
        abstract: "Control a running rpcd through its admin socket.",
        discussion: """
            The admin socket is --socket, else RPCD_ADMIN_SOCKET, else rpcd's default \
            ($RUNTIME_DIRECTORY/admin.sock, /run/rpcd/admin.sock as root, \
            $XDG_RUNTIME_DIR/rpcd/admin.sock, /tmp/rpcd-$UID/admin.sock). Options may stand before or \
            after the command. Exit status: 0 ok, 1 rpcd answered with an error or not in time, \
            2 usage, 4 permission denied, 7 rpcd not running.
            """,
        version: "0.1.0",
        subcommands: [
            Status.self, Workers.self, Reload.self, Stop.self, Drain.self, Undrain.self, Scale.self, LogLevel.self,
            Stats.self,
            Backends.self, Config.self, ReopenLogs.self, Call.self, AddUser.self,
        ]
    )

    @OptionGroup
    var options: GlobalOptions

    /// Without a command there is nothing to do: show the help on stderr, exit 2.
    func run() throws {
        StandardError.write(Self.helpMessage() + "\n")
        throw ExitCode(AdminExitStatus.usage)
    }

    /// Like ArgumentParser's `main()`, but invalid arguments exit 2 (LSB), not 64 (sysexits).
    static func main() {
        do {
            var command = try parseAsRoot(GlobalOptions.movedAfterCommand(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                // The message already ends with the failing command's usage.
                StandardError.write(fullMessage(for: error) + "\n")
                exit(withError: ExitCode(AdminExitStatus.usage))
            }
            exit(withError: error)
        }
    }
}
