import ArgumentParser
import Logging
import RPCDDaemon

/// `rpcd`: parses the command line, loads the configuration, bootstraps logging and hands over
/// to the daemon library.
@main
struct RPCDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpcd",
        abstract: "A JSON-RPC 2.0 daemon.",
        discussion: "Configured by RPCD_* environment variables and an optional env file; see rpcd(8) and /etc/rpcd/rpcd.env.",
        version: RPCDVersion.current
    )

    @Flag(help: "Detach as a classic daemon (same as RPCD_DAEMON=1).")
    var daemon = false

    @Option(help: ArgumentHelp("The pidfile to lock and write (RPCD_PIDFILE).", valueName: "path"))
    var pidfile: String?

    @Option(help: ArgumentHelp("The configuration file (RPCD_CONFIG).", valueName: "path"))
    var config: String?

    @Flag(help: "Validate the configuration, print every key's value and source, and exit (0 valid, 2 invalid).")
    var checkConfig = false

    func run() throws {
        var flags: [String: String] = [:]
        if self.daemon { flags["RPCD_DAEMON"] = "1" }
        if let pidfile = self.pidfile { flags["RPCD_PIDFILE"] = pidfile }
        if let config = self.config { flags["RPCD_CONFIG"] = config }

        let exitCode = DaemonLauncher.launch(flags: flags, checkOnly: self.checkConfig)
        throw ExitCode(exitCode)
    }
}
