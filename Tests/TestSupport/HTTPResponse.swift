/// An HTTP response as a raw client received it.
public struct HTTPResponse: Sendable, CustomStringConvertible {
    /// The version from the status line, e.g. `HTTP/1.1`.
    public let version: String
    /// The status code.
    public let status: Int
    /// The reason phrase.
    public let reason: String
    /// The header fields in order, names as sent.
    public let headers: [(name: String, value: String)]
    /// The body, de-chunked.
    public let body: [UInt8]

    /// Creates a response.
    public init(version: String, status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The first value of a header field, matched case-insensitively.
    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of a header field, matched case-insensitively.
    public func headers(_ name: String) -> [String] {
        self.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body as UTF-8 text.
    public var bodyText: String {
        String(decoding: self.body, as: UTF8.self)
    }

    /// Whether the server announced it will close the connection (`Connection: close`).
    public var announcesClose: Bool {
        self.headers("Connection").contains {
            $0.lowercased().split(separator: ",").contains { $0.trimmingSpaces == "close" }
        }
    }

    public var description: String {
        "\(self.version) \(self.status) \(self.reason) \(self.headers.map { "\($0.name): \($0.value)" }) \(self.bodyText)"
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
