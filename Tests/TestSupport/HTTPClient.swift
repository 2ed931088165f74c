/// A raw HTTP/1.1 client over one connection: it writes requests byte for byte as told (so
/// tests can craft smuggling and pipelining cases) and parses responses with `Content-Length`,
/// chunked or close-delimited bodies.
public final class HTTPClient {
    /// The underlying connection.
    public let connection: BufferedConnection
    private let hostHeader: String

    /// Connects to an HTTP listener.
    public init(_ endpoint: SocketEndpoint, timeout: Duration = .seconds(5)) throws {
        self.connection = try BufferedConnection(connectingTo: endpoint, timeout: timeout)
        self.hostHeader = "\(endpoint)"
    }

    /// Connects to `host:port`.
    public convenience init(host: String, port: Int) throws {
        try self.init(.tcp(host: host, port: port))
    }

    /// The bytes of a request: `Host` is added unless given, `Content-Length` is added for a body
    /// unless `Content-Length` or `Transfer-Encoding` is given (the body is then sent as is).
    public func encode(
        method: String,
        path: String,
        version: String = "HTTP/1.1",
        headers: [(String, String)],
        body: [UInt8]?
    ) -> [UInt8] {
        var head = "\(method) \(path) \(version)\r\n"
        let names = Set(headers.map { $0.0.lowercased() })
        if !names.contains("host") {
            head += "Host: \(self.hostHeader)\r\n"
        }
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if let body, !names.contains("content-length"), !names.contains("transfer-encoding") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// Sends a request and reads its response.
    /// - Parameters:
    ///   - headers: header fields in order; nothing is added but `Host` and `Content-Length`.
    ///   - body: the body; nil sends none (and no `Content-Length`).
    /// - Throws: ``TestSupportError/Code/connectionClosed`` when the server closes without a response.
    public func request(
        method: String = "POST",
        path: String = "/",
        version: String = "HTTP/1.1",
        headers: [(String, String)] = [("Content-Type", "application/json")],
        body: String?,
        timeout: Duration = .seconds(5)
    ) throws -> HTTPResponse {
        try self.request(
            method: method,
            path: path,
            version: version,
            headers: headers,
            bytes: body.map { Array($0.utf8) },
            timeout: timeout
        )
    }

    /// Sends a request with a binary body and reads its response.
    public func request(
        method: String = "POST",
        path: String = "/",
        version: String = "HTTP/1.1",
        headers: [(String, String)] = [("Content-Type", "application/json")],
        bytes body: [UInt8]?,
        timeout: Duration = .seconds(5)
    ) throws -> HTTPResponse {
        try self.connection.send(
            self.encode(method: method, path: path, version: version, headers: headers, body: body)
        )
        guard let response = try self.readResponse(method: method, timeout: timeout) else {
            throw TestSupportError(.connectionClosed, "closed instead of answering \(method) \(path)")
        }
        return response
    }

    /// POSTs a JSON-RPC message and returns the response.
    public func post(_ json: String, path: String = "/", timeout: Duration = .seconds(5)) throws -> HTTPResponse {
        try self.request(method: "POST", path: path, body: json, timeout: timeout)
    }

    /// Sends bytes as they are.
    public func sendRaw(_ bytes: [UInt8]) throws {
        try self.connection.send(bytes)
    }

    /// Sends text as it is.
    public func sendRaw(_ text: String) throws {
        try self.connection.send(Array(text.utf8))
    }

    /// Sends bytes as they are until the server closes the connection.
    @discardableResult
    public func sendRawUntilClosed(_ bytes: [UInt8]) throws -> Int {
        try self.connection.socket.sendUntilClosed(bytes)
    }

    /// Reads one response.
    /// - Parameter method: the request's method (a response to `HEAD` has no body).
    /// - Returns: nil when the server closed the connection before sending anything.
    public func readResponse(method: String = "POST", timeout: Duration = .seconds(5)) throws -> HTTPResponse? {
        let deadline = ContinuousClock.now + timeout
        let crlf: [UInt8] = [13, 10]
        guard let statusLine = try self.connection.read(upTo: crlf, timeout: timeout) else {
            if self.connection.buffered.isEmpty {
                return nil
            }
            throw TestSupportError(.protocolViolation, "closed inside a status line")
        }
        let statusParts = String(decoding: statusLine, as: UTF8.self).split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else {
            throw TestSupportError(
                .protocolViolation,
                "bad status line: \(String(decoding: statusLine, as: UTF8.self))"
            )
        }
        var headers: [(name: String, value: String)] = []
        while true {
            guard let line = try self.connection.read(upTo: crlf, timeout: deadline - .now) else {
                throw TestSupportError(.protocolViolation, "closed inside the header")
            }
            if line.isEmpty {
                break
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else {
                throw TestSupportError(.protocolViolation, "bad header line: \(text)")
            }
            headers.append((String(text[..<colon]), text[text.index(after: colon)...].trimmingSpaces))
        }
        let response = HTTPResponse(
            version: String(statusParts[0]),
            status: status,
            reason: statusParts.count > 2 ? String(statusParts[2]) : "",
            headers: headers,
            body: []
        )
        let body = try self.readBody(of: response, method: method, deadline: deadline)
        return HTTPResponse(
            version: response.version,
            status: status,
            reason: response.reason,
            headers: headers,
            body: body
        )
    }

    /// Waits up to `timeout` for the server to close the connection.
    public func isClosedByPeer(timeout: Duration = .seconds(5)) throws -> Bool {
        try self.connection.waitForClose(timeout: timeout)
    }

    /// Closes the connection.
    public func close() {
        self.connection.close()
    }

    private func readBody(
        of response: HTTPResponse,
        method: String,
        deadline: ContinuousClock.Instant
    ) throws -> [UInt8] {
        if method == "HEAD" || response.status / 100 == 1 || response.status == 204 || response.status == 304 {
            return []
        }
        if let encoding = response.header("Transfer-Encoding"), encoding.lowercased().contains("chunked") {
            return try self.readChunkedBody(deadline: deadline)
        }
        if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText) else {
                throw TestSupportError(.protocolViolation, "bad Content-Length in response: \(lengthText)")
            }
            guard let body = try self.connection.read(exactly: length, timeout: deadline - .now) else {
                throw TestSupportError(.protocolViolation, "closed inside a \(length)-byte body")
            }
            return body
        }
        return try self.connection.readToEnd(timeout: deadline - .now)
    }

    private func readChunkedBody(deadline: ContinuousClock.Instant) throws -> [UInt8] {
        let crlf: [UInt8] = [13, 10]
        var body: [UInt8] = []
        while true {
            guard let sizeLine = try self.connection.read(upTo: crlf, timeout: deadline - .now) else {
                throw TestSupportError(.protocolViolation, "closed inside a chunked body")
            }
            let sizeText = String(decoding: sizeLine, as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingSpaces, radix: 16) else {
                throw TestSupportError(.protocolViolation, "bad chunk size: \(sizeText)")
            }
            if size == 0 {
                // Trailer fields, then the empty line.
                while let trailer = try self.connection.read(upTo: crlf, timeout: deadline - .now), !trailer.isEmpty {}
                return body
            }
            guard let chunk = try self.connection.read(exactly: size + 2, timeout: deadline - .now) else {
                throw TestSupportError(.protocolViolation, "closed inside a chunk")
            }
            body.append(contentsOf: chunk.dropLast(2))
        }
    }
}
