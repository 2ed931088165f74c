import ArgumentParser

/// `rpcd-admin`: the operator's control client. The admin socket it talks to arrives with the
/// worker supervisor; until then it only describes itself.
@main
struct RPCDAdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpcd-admin",
        abstract: "Control a running rpcd through its admin socket.",
        discussion: """
            Commands (served by the admin socket, which the single-process foreground mode does \
            not open yet): status, workers, reload, stop, scale, log-level, stats, config, \
            reopen-logs, call.
            """,
        version: "0.1.0"
    )

    func run() throws {
        print(Self.helpMessage())
    }
}
