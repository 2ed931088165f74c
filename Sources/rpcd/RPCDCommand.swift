import ArgumentParser
import Logging
import RPCDDaemon
import RPCDSystem

/// `rpcd`: parses the command line, loads the configuration, bootstraps logging and hands over
/// to the daemon library.
@main
struct RPCDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpcd",
        abstract: "A JSON-RPC 2.0 daemon.",
        discussion:
            "Configured by RPCD_* environment variables and an optional env file; see rpcd(8) and /etc/rpcd/rpcd.env.",
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

    // Worker mode: how the master starts its workers. Not for operators.
    @Option(help: .hidden)
    var worker: Int?

    @Option(help: .hidden)
    var generation: Int = 1

    @Option(help: .hidden)
    var listener: [String] = []

    /// Like ArgumentParser's `main()`, but invalid arguments exit 2 (LSB), not 64 (sysexits).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                var standardError = StandardErrorStream()
                print(fullMessage(for: error), to: &standardError)
                print(usageString(), to: &standardError)
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }

    func run() throws {
        var flags: [String: String] = [:]
        if self.daemon { flags["RPCD_DAEMON"] = "1" }
        if let pidfile = self.pidfile { flags["RPCD_PIDFILE"] = pidfile }
        if let config = self.config { flags["RPCD_CONFIG"] = config }

        if let slot = self.worker {
            let identity = WorkerIdentity(slot: slot, generation: self.generation, listeners: self.listener)
            throw ExitCode(DaemonLauncher.launchWorker(identity, flags: flags))
        }
        let exitCode = DaemonLauncher.launch(flags: flags, checkOnly: self.checkConfig)
        throw ExitCode(exitCode)
    }
}

/// Unbuffered standard error for usage messages.
struct StandardErrorStream: TextOutputStream {
    mutating func write(_ string: String) {
        StandardError.write(string)
    }
}
