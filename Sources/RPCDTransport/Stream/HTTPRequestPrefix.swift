/// Whether a stream connection's first bytes start an HTTP request line (`POST / HTTP/1.1`):
/// a browser or proxy speaking HTTP to an NDJSON or length-prefixed port (DESIGN §11).
enum HTTPRequestPrefix {
    /// What the first bytes say.
    enum Verdict: Equatable {
        /// They start an HTTP request line.
        case http
        /// They cannot start one.
        case notHTTP
        /// Too few bytes yet: they start a method name.
        case undecided
    }

    /// The request-line starts refused, each a method and its space.
    static let methods: [[UInt8]] = ["GET ", "POST ", "PUT ", "OPTIONS ", "HEAD ", "DELETE ", "CONNECT ", "PATCH "]
        .map { Array($0.utf8) }

    /// The most bytes a verdict needs.
    static let longest = Self.methods.map(\.count).max()!

    /// The verdict on `bytes`, the first bytes the connection sent.
    static func verdict(_ bytes: some Collection<UInt8>) -> Verdict {
        var undecided = false
        for method in Self.methods {
            if bytes.count >= method.count {
                if bytes.prefix(method.count).elementsEqual(method) { return .http }
            } else if method.starts(with: bytes) {
                undecided = true
            }
        }
        return undecided ? .undecided : .notHTTP
    }
}
