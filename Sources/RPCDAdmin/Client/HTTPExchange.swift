internal import RPCDSystem

/// One HTTP/1.1 `POST` with `Connection: close`, and the response to it.
struct HTTPExchange {
    /// A parsed response.
    struct Response {
        var status: Int
        var reason: String
        var body: [UInt8]
    }

    /// A response that is not HTTP/1.x as we read it.
    struct Failure: Error {
        var message: String
    }

    var host: String
    var port: Int
    var path: String

    /// Posts `body` as `application/json` and reads the whole response.
    func post(_ body: [UInt8], on socket: some ClientByteStream, deadline: ContinuousClock.Instant) throws -> Response {
        let authority = StreamClientSocket.Address.tcp(host: self.host, port: self.port).description
        let head =
            "POST \(self.path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Type: application/json\r\n"
            + "Accept: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try socket.write(Array(head.utf8) + body, deadline: deadline)

        var buffer: [UInt8] = []
        var headerEnd: Int?
        var response: Response?
        var contentLength: Int?
        var chunked = false
        while true {
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer[...]) {
                headerEnd = end + 4
                (response, contentLength, chunked) = try Self.parseHead(Array(buffer[..<end]))
            }
            if let start = headerEnd, let length = contentLength, buffer.count - start >= length {
                response?.body = Array(buffer[start..<(start + length)])
                return response!
            }
            if let start = headerEnd, chunked, let decoded = try Self.dechunk(buffer[start...]) {
                response?.body = decoded
                return response!
            }
            guard buffer.count <= LineFraming.maximumLineBytes else {
                throw LineFraming.Failure.lineTooLong
            }
            let received = try socket.read(deadline: deadline)
            if received.isEmpty {
                // With neither length nor chunking, the body runs to the end of the connection.
                guard let start = headerEnd, var whole = response, contentLength == nil, !chunked else {
                    throw LineFraming.Failure.closed
                }
                whole.body = Array(buffer[start...])
                return whole
            }
            buffer += received
        }
    }

    private static func parseHead(_ head: [UInt8]) throws -> (Response, Int?, Bool) {
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.first ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw Failure(message: "not an HTTP response: \(statusLine.prefix(80))")
        }
        var contentLength: Int?
        var chunked = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = Self.trimmed(line[line.index(after: colon)...])
            if name == "content-length" {
                guard let length = Int(value), length >= 0 else {
                    throw Failure(message: "invalid Content-Length \(value)")
                }
                contentLength = length
            } else if name == "transfer-encoding", value.lowercased().contains("chunked") {
                chunked = true
            }
        }
        let reason = parts.count > 2 ? String(parts[2]) : ""
        return (Response(status: status, reason: reason, body: []), chunked ? nil : contentLength, chunked)
    }

    /// The decoded body once every chunk up to the last (zero-size) one has arrived, else `nil`.
    private static func dechunk(_ bytes: ArraySlice<UInt8>) throws -> [UInt8]? {
        var body: [UInt8] = []
        var index = bytes.startIndex
        while true {
            guard let lineEnd = self.find([13, 10], in: bytes[index...]) else { return nil }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            let sizeField = sizeText.split(separator: ";").first.map { Self.trimmed($0) } ?? ""
            guard let size = Int(sizeField, radix: 16), size >= 0 else {
                throw Failure(message: "invalid chunk size \(sizeText.prefix(20))")
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                return body
            }
            guard bytes.endIndex - dataStart >= size + 2 else { return nil }
            body += bytes[dataStart..<(dataStart + size)]
            index = dataStart + size + 2
        }
    }

    /// The index where `needle` first starts in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var start = haystack.startIndex
        while start <= haystack.endIndex - needle.count {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) {
                return start
            }
            start += 1
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" {
            text.removeFirst()
        }
        while let last = text.last, last == " " || last == "\t" {
            text.removeLast()
        }
        return String(text)
    }
}
