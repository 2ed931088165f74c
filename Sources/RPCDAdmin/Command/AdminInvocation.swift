internal import JSONRPC
internal import RPCDSystem

/// A parsed `rpcd-admin` command line: what to do, where, and how to print it.
package struct AdminInvocation: Sendable {
    /// The command.
    package var command: AdminCommand
    /// The admin socket.
    package var socketPath: String
    /// Print the method's `result` as JSON instead of a table.
    package var json: Bool
    /// How long to wait for rpcd.
    package var timeout: Duration
    /// `call --cacert/--cert/--key`, for a `tls://` or `https://` URL.
    package var tls = TLSClientSettings()

    /// Creates an invocation.
    package init(command: AdminCommand, socketPath: String, json: Bool, timeout: Duration) {
        self.command = command
        self.socketPath = socketPath
        self.json = json
        self.timeout = timeout
    }

    /// Runs the command, writing the result to `output` and failures to `errors`.
    /// - Returns: the exit status (``AdminExitStatus``).
    package func run(
        output: (String) -> Void = StandardOutput.write,
        errors: (String) -> Void = StandardError.write
    ) -> Int32 {
        do throws(AdminClientError) {
            output(try self.perform())
            return AdminExitStatus.success
        } catch {
            errors("rpcd-admin: \(error.message)\n")
            return error.exitStatus
        }
    }

    /// Performs the command and returns what to print.
    private func perform() throws(AdminClientError) -> String {
        let client = AdminClient(socketPath: self.socketPath, timeout: self.timeout)
        switch self.command {
        case .status:
            return try self.render(.status, client.call(.status), StatusResult.self, AdminOutput.status)
        case .workers:
            return try self.render(.workers, client.call(.workers), [WorkerInfo].self, AdminOutput.workers)
        case .reload:
            return try self.render(.reload, client.call(.reload), ReloadResult.self, AdminOutput.reload)
        case .stop(let quick):
            let params = try Self.encode(ShutdownParams(quick: quick))
            return try self.render(
                .shutdown,
                client.call(.shutdown, params: params),
                ShutdownResult.self,
                AdminOutput.shutdown
            )
        case .drain(let draining, let wait):
            return try self.drain(draining, wait: wait)
        case .scale(let workers):
            let params = try Self.encode(ScaleParams(workers: workers))
            return try self.render(.scale, client.call(.scale, params: params), ScaleResult.self, AdminOutput.scale)
        case .logLevel(let level):
            let params = try Self.encode(LogLevelParams(level: level))
            return try self.render(
                .logLevel,
                client.call(.logLevel, params: params),
                LogLevelResult.self,
                AdminOutput.logLevel
            )
        case .stats:
            return try self.render(.stats, client.call(.stats), StatsResult.self, AdminOutput.stats)
        case .backends:
            return try self.render(.backends, client.call(.backends), [BackendInfo].self, AdminOutput.backends)
        case .config:
            return try self.render(.config, client.call(.config), ConfigResult.self, AdminOutput.config)
        case .reopenLogs:
            let result = try client.call(.reopenLogs)
            return self.json ? result.jsonText + "\n" : AdminOutput.reopenLogs(result)
        case .call(let method, let params, let endpoint):
            let target: RPCEndpoint
            if let endpoint {
                target = endpoint
            } else {
                target = try self.firstNDJSONListener(client)
            }
            let caller = RPCCallClient(endpoint: target, timeout: self.timeout, tls: self.tls)
            switch try caller.call(method: method, params: params) {
            case .result(let result):
                return result.jsonText + "\n"
            case .error(let error):
                throw AdminClientError(
                    .daemonError,
                    "\(method) failed: \(AdminClient.describe(error))",
                    rpcError: error
                )
            }
        }
    }

    /// The `result` as JSON with `--json`, else decoded and rendered for people.
    func render<Result: AdminPayload>(
        _ method: AdminMethod,
        _ result: JSONValue,
        _ type: Result.Type,
        _ human: (Result) -> String
    ) throws(AdminClientError) -> String {
        if self.json {
            return result.jsonText + "\n"
        }
        return human(try AdminClient.decode(Result.self, from: result, method: method.rawValue))
    }

    /// Where `call` goes without `--url`: the first `ndjson` listener in `status`.
    private func firstNDJSONListener(_ client: AdminClient) throws(AdminClientError) -> RPCEndpoint {
        let status: StatusResult = try client.call(.status)
        guard let listener = status.listeners.first(where: { $0.role == "ndjson" }) else {
            throw AdminClientError(.daemonError, "rpcd has no ndjson listener; name one with --url")
        }
        guard let endpoint = RPCEndpoint(listenerAddress: listener.address) else {
            throw AdminClientError(
                .protocolError,
                "rpcd reported the ndjson listener address '\(listener.address)', which is not HOST:PORT or a path"
            )
        }
        return endpoint
    }

    private static func encode(_ params: some AdminPayload) throws(AdminClientError) -> JSONValue {
        do {
            return try params.jsonValue()
        } catch {
            throw AdminClientError(.protocolError, "cannot encode params: \(error)", cause: error)
        }
    }
}
