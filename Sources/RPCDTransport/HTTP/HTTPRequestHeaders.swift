internal import NIOHTTP1

/// The header values the request policy reads, gathered in one pass over a request's headers
/// (rather than one search per header).
struct HTTPRequestHeaders {
    /// The `Host` value (the first, when there are several).
    var host: String?
    /// How many `Host` headers there are: exactly one is valid.
    var hostCount = 0
    var origin: String?
    var fetchSite: String?
    var contentType: String?
    var contentLength: String?

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            // Dispatched on the length first: most headers are compared with nothing.
            switch name.utf8.count {
            case 4 where Self.named(name, "host"):
                self.hostCount += 1
                if self.host == nil { self.host = value }
            case 6 where Self.named(name, "origin"):
                self.origin = self.origin ?? value
            case 12 where Self.named(name, "content-type"):
                self.contentType = self.contentType ?? value
            case 14 where Self.named(name, "content-length"):
                self.contentLength = self.contentLength ?? value
            case 14 where Self.named(name, "sec-fetch-site"):
                self.fetchSite = self.fetchSite ?? value
            default:
                break
            }
        }
    }

    /// Whether `name` is `lowercase` ignoring ASCII case (the lengths are already equal).
    private static func named(_ name: String, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        return name.utf8.elementsEqual(expected) { byte, lower in
            byte == lower || (byte | 0x20) == lower && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower)
        }
    }
}
