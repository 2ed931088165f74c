import ArgumentParser
import JSONRPC
import RPCDAdmin
import RPCDSystem

extension RPCDAdminCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show version, pid, mode, uptime, generation, workers, listeners and totals."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.status) }
    }

    struct Workers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the worker processes with their state, load, memory and restarts."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.workers) }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reload the configuration and roll a new worker generation; wait for the outcome."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.reload) }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop rpcd: drain in-flight work first, or at once with --quick."
        )

        @Flag(help: "Stop without draining.")
        var quick = false

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.stop(quick: self.quick)) }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take rpcd out of rotation: /readyz 503, clients moved away, still serving.",
            discussion: """
                With --wait, returns once no client connection is open on the whole service, or fails \
                (exit 1, saying how many are still open) after --timeout (default 60 seconds).
                """
        )

        @Flag(help: "Wait until no client connection is open.")
        var wait = false

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.drain(draining: true, wait: self.wait)) }
    }

    struct Undrain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring rpcd back into rotation after a drain.")

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.drain(draining: false, wait: false)) }
    }

    struct Scale: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the number of worker processes.")

        @Argument(help: ArgumentHelp("The worker count.", valueName: "workers"))
        var workers: Int

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.scale(workers: self.workers)) }
    }

    struct LogLevel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log-level",
            abstract: "Show the log level, or set it in every process."
        )

        @Argument(
            help: ArgumentHelp(
                "trace, debug, info, notice, warning, error or critical; omit to show the level.",
                valueName: "level"
            ),
            completion: .list(LogLevelParams.levels)
        )
        var level: String?

        @OptionGroup
        var options: GlobalOptions

        func validate() throws {
            if let level = self.level {
                do {
                    _ = try AdminCommand.level(level)
                } catch {
                    throw ValidationError(error.message)
                }
            }
        }

        func run() throws {
            try self.options.run(.logLevel(try self.level.map { level throws in try AdminCommand.level(level) }))
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show per-method calls, errors and latency percentiles."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.stats) }
    }

    struct Backends: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each backend pool: instances, calls, errors, queue, restarts, latency and processes."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.backends) }
    }

    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective configuration: each key's value, source and reload class."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.config) }
    }

    struct ReopenLogs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reopen-logs",
            abstract: "Reopen log files (after rotation)."
        )

        @OptionGroup
        var options: GlobalOptions

        func run() throws { try self.options.run(.reopenLogs) }
    }

    struct Call: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Call a JSON-RPC method on rpcd and print its result as JSON.",
            discussion: """
                Without --url the request goes to the first ndjson listener that status reports. \
                Exit status 1 when the method answers with an error (printed on stderr).
                """
        )

        @Argument(help: ArgumentHelp("The method name.", valueName: "method"))
        var method: String

        @Argument(help: ArgumentHelp("The params: a JSON array or object.", valueName: "params-json"))
        var params: String?

        @Option(
            help: ArgumentHelp(
                "The listener: tcp://HOST:PORT, unix:/PATH, http://HOST:PORT, tls://HOST:PORT or https://HOST:PORT.",
                valueName: "url"
            )
        )
        var url: String?

        @Option(help: ArgumentHelp("PEM CA certificates to verify a TLS listener with.", valueName: "file"))
        var cacert: String?

        @Option(help: ArgumentHelp("A PEM client certificate for mutual TLS.", valueName: "file"))
        var cert: String?

        @Option(help: ArgumentHelp("The client certificate's PEM private key.", valueName: "file"))
        var key: String?

        @OptionGroup
        var options: GlobalOptions

        func validate() throws {
            _ = try self.command()
        }

        func run() throws {
            let tls = TLSClientSettings(caFile: self.cacert, certificateFile: self.cert, keyFile: self.key)
            try self.options.run(try self.command(), tls: tls)
        }

        private func command() throws -> AdminCommand {
            if (self.cert == nil) != (self.key == nil) {
                throw ValidationError("--cert and --key go together")
            }
            do throws(AdminUsageError) {
                var params: JSONValue?
                if let text = self.params {
                    params = try AdminCommand.callParams(text)
                }
                var endpoint: RPCEndpoint?
                if let url = self.url {
                    endpoint = try AdminCommand.endpoint(url)
                }
                return .call(method: self.method, params: params, endpoint: endpoint)
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    struct AddUser: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-user",
            abstract: "Print a new RPCD_AUTH_USERS_FILE line and its random secret (nothing is sent to rpcd).",
            discussion: """
                Prints NAME:SALT$HMAC[:PATTERNS] on the first line and "secret: SECRET" on the second. \
                Append the line to the users file and reload; the client presents NAME and SECRET \
                (HTTP Basic, or rpc.authenticate {"user", "password"}).
                """
        )

        @Argument(help: "The user's name.")
        var name: String

        @Option(
            help: ArgumentHelp(
                "Comma-separated method names or prefix.* patterns; default every method.",
                valueName: "patterns"
            )
        )
        var methods: String?

        func run() throws {
            do throws(AdminUsageError) {
                StandardOutput.write(try RPCDAdmin.AddUser(name: self.name, methods: self.methods).output())
            } catch {
                throw ValidationError(error.message)
            }
        }
    }
}
