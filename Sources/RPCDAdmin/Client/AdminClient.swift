package import JSONRPC
internal import RPCDSystem
internal import SystemPackage

/// A blocking client of the admin socket: one connection per call, one newline-delimited
/// JSON-RPC request, one response line.
package struct AdminClient: Sendable {
    /// The admin socket's path.
    package var socketPath: String
    /// How long a call may take in all, connecting included; `reload` wants minutes, not seconds.
    package var timeout: Duration

    /// Creates a client of the admin socket at `socketPath`.
    package init(socketPath: String, timeout: Duration = .seconds(5)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Calls an admin method and returns its `result`.
    /// - Throws: ``AdminClientError``: ``AdminClientError/Code/notRunning`` without a socket or a
    ///   listener, ``AdminClientError/Code/permissionDenied`` when refused by file permissions or with
    ///   -32003, ``AdminClientError/Code/timeout``, ``AdminClientError/Code/daemonError`` for any other
    ///   JSON-RPC error, ``AdminClientError/Code/protocolError`` for a broken answer.
    package func call(_ method: AdminMethod, params: JSONValue? = nil) throws(AdminClientError) -> JSONValue {
        try self.call(method: method.rawValue, params: params)
    }

    /// Calls an admin method with typed params and decodes its typed result.
    /// - Throws: ``AdminClientError`` as ``call(_:params:)``; a result that does not decode is a
    ///   ``AdminClientError/Code/protocolError``.
    package func call<Params: AdminPayload, Result: AdminPayload>(
        _ method: AdminMethod,
        params: Params,
        as resultType: Result.Type = Result.self
    ) throws(AdminClientError) -> Result {
        let encoded: JSONValue
        do {
            encoded = try params.jsonValue()
        } catch {
            throw AdminClientError(.protocolError, "cannot encode the \(method) params: \(error)", cause: error)
        }
        return try Self.decode(Result.self, from: try self.call(method, params: encoded), method: method.rawValue)
    }

    /// Calls an admin method without params and decodes its typed result.
    package func call<Result: AdminPayload>(
        _ method: AdminMethod,
        as resultType: Result.Type = Result.self
    ) throws(AdminClientError) -> Result {
        try Self.decode(Result.self, from: try self.call(method), method: method.rawValue)
    }

    /// Calls any method on the admin socket by name (e.g. `test.freeze`) and returns its `result`.
    /// - Throws: ``AdminClientError`` as ``call(_:params:)``.
    package func call(method: String, params: JSONValue?) throws(AdminClientError) -> JSONValue {
        let deadline = ContinuousClock.now.advanced(by: self.timeout)
        let socket: StreamClientSocket
        do {
            socket = try StreamClientSocket.connect(to: .unix(path: self.socketPath), deadline: deadline)
        } catch {
            throw self.connectFailure(error, method: method)
        }
        defer { socket.close() }
        let line: [UInt8]
        do {
            line = try LineFraming.exchange(
                JSONRPCEnvelope.request(method: method, params: params),
                on: socket,
                deadline: deadline
            )
        } catch {
            throw self.exchangeFailure(error, method: method)
        }
        switch try JSONRPCEnvelope.outcome(of: line, from: "rpcd") {
        case .result(let result):
            return result
        case .error(let error) where error.code == JSONRPCErrorCode.permissionDenied:
            throw AdminClientError(
                .permissionDenied,
                "rpcd refused \(method): \(error.message) (root, rpcd's own user or a member of "
                    + "RPCD_ADMIN_GROUP may use \(self.socketPath))",
                rpcError: error
            )
        case .error(let error):
            throw AdminClientError(.daemonError, "\(method) failed: \(Self.describe(error))", rpcError: error)
        }
    }

    /// `message (error CODE)`, with a string `data` appended, as the operator reads it.
    package static func describe(_ error: JSONRPCError) -> String {
        var text = "\(error.message) (error \(error.code))"
        if let data = error.data {
            text += ": \(data.stringValue ?? data.jsonText)"
        }
        return text
    }

    static func decode<Result: AdminPayload>(
        _ type: Result.Type,
        from value: JSONValue,
        method: String
    ) throws(AdminClientError) -> Result {
        do {
            return try Result(jsonValue: value)
        } catch {
            throw AdminClientError(.protocolError, "unexpected \(method) result from rpcd: \(error)", cause: error)
        }
    }

    private func connectFailure(_ error: SystemCallError, method: String) -> AdminClientError {
        let path = self.socketPath
        switch error.errno {
        case .noSuchFileOrDirectory, .notDirectory:
            return AdminClientError(.notRunning, "rpcd is not running (no socket at \(path))", cause: error)
        case .connectionRefused:
            return AdminClientError(
                .notRunning,
                "rpcd is not running (nothing listens on \(path): connection refused)",
                cause: error
            )
        case .notSocket:
            return AdminClientError(.notRunning, "rpcd is not running (\(path) is not a socket)", cause: error)
        case .permissionDenied, .notPermitted:
            return AdminClientError(
                .permissionDenied,
                "permission denied on \(path) (root, rpcd's own user or a member of RPCD_ADMIN_GROUP may use it)",
                cause: error
            )
        case .timedOut:
            return AdminClientError(
                .timeout,
                "rpcd did not accept the connection on \(path) within \(Self.seconds(self.timeout)) (\(method))",
                cause: error
            )
        case .invalidArgument:
            return AdminClientError(.connectionFailed, "cannot use \(path) as a socket path (too long?)", cause: error)
        default:
            return AdminClientError(.connectionFailed, "cannot connect to \(path): \(error.errno)", cause: error)
        }
    }

    private func exchangeFailure(_ error: any Error, method: String) -> AdminClientError {
        switch error {
        case let error as SystemCallError where error.errno == .timedOut:
            return AdminClientError(
                .timeout,
                "no answer from rpcd within \(Self.seconds(self.timeout)) (\(method))",
                cause: error
            )
        case let error as SystemCallError:
            return AdminClientError(
                .protocolError,
                "the connection to rpcd broke during \(method): \(error.errno)",
                cause: error
            )
        case LineFraming.Failure.lineTooLong:
            return AdminClientError(.protocolError, "rpcd's answer to \(method) is too long")
        default:
            return AdminClientError(.protocolError, "rpcd closed the connection without answering \(method)")
        }
    }

    /// `5s`, `0.25s`, `120s`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 {
            return "\(seconds)s"
        }
        var fraction = String(milliseconds)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") {
            fraction.removeLast()
        }
        return "\(seconds).\(fraction)s"
    }
}
