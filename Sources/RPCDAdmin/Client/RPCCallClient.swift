package import JSONRPC
internal import RPCDSystem
internal import SystemPackage

/// A generic JSON-RPC client for `rpcd-admin call`: one request to one rpcd listener (NDJSON,
/// length-prefixed or HTTP), one answer.
package struct RPCCallClient: Sendable {
    /// Where the request goes.
    package var endpoint: RPCEndpoint
    /// How long the call may take in all, connecting included.
    package var timeout: Duration
    /// What a `tls://` or `https://` endpoint is verified with and presents.
    package var tls: TLSClientSettings

    /// Creates a client of `endpoint`.
    package init(endpoint: RPCEndpoint, timeout: Duration = .seconds(5), tls: TLSClientSettings = .init()) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.tls = tls
    }

    /// Sends `method` with `params` and returns the server's result or error.
    /// - Throws: ``AdminClientError``: ``AdminClientError/Code/notRunning`` when nothing listens,
    ///   ``AdminClientError/Code/timeout``, ``AdminClientError/Code/protocolError`` for a broken
    ///   answer (or an HTTP status without a JSON-RPC body), ``AdminClientError/Code/connectionFailed``.
    package func call(method: String, params: JSONValue?) throws(AdminClientError) -> RPCCallOutcome {
        let deadline = ContinuousClock.now.advanced(by: self.timeout)
        let request = JSONRPCEnvelope.request(method: method, params: params)
        let (plain, secure) = self.endpoint.plain
        let address: StreamClientSocket.Address
        switch plain {
        case .stream(let target, _): address = target
        case .http(let host, let port, _): address = .tcp(host: host, port: port)
        case .tls: throw AdminClientError(.protocolError, "\(self.endpoint): TLS inside TLS")
        }
        if secure {
            guard case .tcp(let host, let port) = address else {
                throw AdminClientError(.protocolError, "\(self.endpoint): TLS needs a TCP address")
            }
            let stream = try TLSClientStream.connect(host: host, port: port, settings: self.tls, deadline: deadline)
            defer { stream.close() }
            return try self.exchange(request, plain, on: stream, deadline: deadline)
        }
        let socket: StreamClientSocket
        do {
            socket = try StreamClientSocket.connect(to: address, deadline: deadline)
        } catch {
            throw self.connectFailure(error)
        }
        defer { socket.close() }
        return try self.exchange(request, plain, on: socket, deadline: deadline)
    }

    private func exchange(
        _ request: [UInt8],
        _ plain: RPCEndpoint,
        on socket: some ClientByteStream,
        deadline: ContinuousClock.Instant
    ) throws(AdminClientError) -> RPCCallOutcome {
        let body: [UInt8]
        do {
            switch plain {
            case .stream(_, .ndjson):
                body = try LineFraming.exchange(request, on: socket, deadline: deadline)
            case .stream(_, .length):
                body = try Self.lengthPrefixedExchange(request, on: socket, deadline: deadline)
            case .http(let host, let port, let path):
                let exchange = HTTPExchange(host: host, port: port, path: path)
                let response = try exchange.post(request, on: socket, deadline: deadline)
                // JSON-RPC outcomes, errors included, are 200; anything else has no JSON-RPC body.
                guard response.status == 200 else {
                    throw AdminClientError(
                        .protocolError,
                        "\(self.endpoint) answered HTTP \(response.status) \(response.reason)"
                            + (response.body.isEmpty
                                ? "" : ": \(String(decoding: response.body.prefix(200), as: UTF8.self))")
                    )
                }
                body = response.body
            case .tls:
                throw AdminClientError(.protocolError, "\(self.endpoint): TLS inside TLS")
            }
        } catch let error as AdminClientError {
            throw error
        } catch {
            throw self.exchangeFailure(error)
        }
        return try JSONRPCEnvelope.outcome(of: body, from: "\(self.endpoint)")
    }

    /// Sends a 4-byte big-endian length and the message, then reads one frame back.
    private static func lengthPrefixedExchange(
        _ message: [UInt8],
        on socket: some ClientByteStream,
        deadline: ContinuousClock.Instant
    ) throws -> [UInt8] {
        let length = UInt32(message.count)
        let prefix = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) }
        try socket.write(prefix + message, deadline: deadline)
        var buffer: [UInt8] = []
        while true {
            if buffer.count >= 4 {
                let expected = buffer[0..<4].reduce(0) { $0 << 8 | Int($1) }
                guard expected <= LineFraming.maximumLineBytes else {
                    throw LineFraming.Failure.lineTooLong
                }
                if buffer.count >= 4 + expected {
                    return Array(buffer[4..<(4 + expected)])
                }
            }
            let received = try socket.read(deadline: deadline)
            guard !received.isEmpty else {
                throw LineFraming.Failure.closed
            }
            buffer += received
        }
    }

    private func connectFailure(_ error: SystemCallError) -> AdminClientError {
        switch error.errno {
        case .connectionRefused, .noSuchFileOrDirectory, .notDirectory:
            return AdminClientError(.notRunning, "nothing listens on \(self.endpoint) (\(error.errno))", cause: error)
        case .permissionDenied, .notPermitted:
            return AdminClientError(.permissionDenied, "permission denied on \(self.endpoint)", cause: error)
        case .timedOut:
            return AdminClientError(
                .timeout,
                "\(self.endpoint) did not accept the connection within \(AdminClient.seconds(self.timeout))",
                cause: error
            )
        default:
            return AdminClientError(.connectionFailed, "cannot connect to \(self.endpoint): \(error)", cause: error)
        }
    }

    private func exchangeFailure(_ error: any Error) -> AdminClientError {
        switch error {
        case let error as SystemCallError where error.errno == .timedOut:
            return AdminClientError(
                .timeout,
                "no answer from \(self.endpoint) within \(AdminClient.seconds(self.timeout))",
                cause: error
            )
        case let error as SystemCallError:
            return AdminClientError(
                .protocolError,
                "the connection to \(self.endpoint) broke: \(error.errno)",
                cause: error
            )
        case LineFraming.Failure.lineTooLong:
            return AdminClientError(.protocolError, "the answer from \(self.endpoint) is too long")
        case let error as HTTPExchange.Failure:
            return AdminClientError(.protocolError, "\(self.endpoint): \(error.message)")
        default:
            return AdminClientError(.protocolError, "\(self.endpoint) closed the connection without answering")
        }
    }
}
