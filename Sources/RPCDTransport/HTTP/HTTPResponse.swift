internal import JSONRPC
internal import NIOCore
internal import NIOHTTP1

/// One HTTP/1 response as this server sends it, serialized into a single buffer.
///
/// NIO's response encoder costs more per request than the JSON-RPC call itself, and every header
/// sent here is known up front, so the response is written out directly; the answer to nearly
/// every request (200, JSON, keep-alive, HTTP/1.1) comes from one constant prefix. Every answer
/// carries `X-Content-Type-Options: nosniff` and `Cache-Control: no-store` (DESIGN §11): a
/// JSON-RPC answer is never a document to render or a page to keep.
struct HTTPResponse {
    var status: HTTPResponseStatus
    var contentType: String?
    var body: [UInt8]
    var version: HTTPVersion
    /// Whether the connection stays open after it; false adds `Connection: close`.
    var keepAlive: Bool
    /// Adds `Allow: POST` (to a 405).
    var allowPOST = false
    /// A HEAD answer: the GET answer's headers, `Content-Length` included, but no body.
    var headOnly = false
    /// Adds `WWW-Authenticate: Bearer` (to a 401).
    var bearerChallenge = false
    /// Adds `Retry-After` with these seconds (to a 429).
    var retryAfterSeconds: UInt64?
    /// The allowed origin of a cross-origin request, echoed in `Access-Control-Allow-Origin`
    /// (never `*`) with `Vary: Origin`.
    var corsOrigin: String?
    /// A CORS preflight's answer: adds the allowed methods and headers.
    var preflight = false

    /// The answer to a JSON-RPC POST: 200 with the response, or 204 when there is none.
    static func json(_ body: [UInt8]?, answering request: HTTPRequestHead, corsOrigin: String? = nil) -> HTTPResponse {
        HTTPResponse(
            status: body == nil ? .noContent : .ok,
            contentType: body == nil ? nil : "application/json",
            body: body ?? [],
            version: request.version,
            keepAlive: request.isKeepAlive,
            corsOrigin: corsOrigin
        )
    }

    /// 204 to a CORS preflight from the allowed `origin`.
    static func preflight(origin: String, answering request: HTTPRequestHead) -> HTTPResponse {
        HTTPResponse(
            status: .noContent,
            contentType: nil,
            body: [],
            version: request.version,
            keepAlive: request.isKeepAlive,
            corsOrigin: origin,
            preflight: true
        )
    }

    /// A plain-text answer (probes, refusals).
    static func text(
        _ status: HTTPResponseStatus,
        _ text: String,
        answering request: HTTPRequestHead,
        allowPOST: Bool = false
    ) -> HTTPResponse {
        HTTPResponse(
            status: status,
            contentType: "text/plain; charset=utf-8",
            body: Array(text.utf8),
            version: request.version,
            keepAlive: request.isKeepAlive,
            allowPOST: allowPOST,
            headOnly: request.method == .HEAD
        )
    }

    /// 413 with -32005; the connection closes, sparing the client sending the rest of the body.
    static func tooLarge(answering request: HTTPRequestHead) -> HTTPResponse {
        HTTPResponse(
            status: .payloadTooLarge,
            contentType: "application/json",
            body: Dispatcher.errorResponse(.requestTooLarge),
            version: request.version,
            keepAlive: false
        )
    }

    /// 401 with -32001 and the bearer challenge.
    static func unauthorized(answering request: HTTPRequestHead) -> HTTPResponse {
        HTTPResponse(
            status: .unauthorized,
            contentType: "application/json",
            body: Dispatcher.errorResponse(.unauthorized),
            version: request.version,
            keepAlive: request.isKeepAlive,
            bearerChallenge: true
        )
    }

    /// 429 with `Retry-After` (whole seconds, rounded up) and `body`, a JSON-RPC error.
    static func tooManyRequests(
        retryAfterNanoseconds: UInt64,
        body: [UInt8],
        answering request: HTTPRequestHead
    ) -> HTTPResponse {
        var response = HTTPResponse(
            status: .tooManyRequests,
            contentType: "application/json",
            body: body,
            version: request.version,
            keepAlive: request.isKeepAlive
        )
        response.retryAfterSeconds = (retryAfterNanoseconds + 999_999_999) / 1_000_000_000
        return response
    }

    /// 400 for malformed or ambiguous framing; the connection closes, since nothing after it on
    /// the connection can be trusted.
    static let badRequest = HTTPResponse(
        status: .badRequest,
        contentType: "text/plain; charset=utf-8",
        body: Array("bad request\n".utf8),
        version: .http1_1,
        keepAlive: false
    )

    /// The headers every answer carries (also in the constant prefix above).
    private static let alwaysSent: StaticString = "x-content-type-options: nosniff\r\ncache-control: no-store\r\n"

    /// Appends the status line, headers and body to `buffer`.
    func write(into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: self.body.count + 128)
        if self.keepAlive, self.status == .ok, self.version.minor == 1, !self.allowPOST, !self.headOnly,
            self.corsOrigin == nil, self.contentType == "application/json"
        {
            // The answer to nearly every request, from one constant prefix.
            buffer.writeStaticString(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\n"
            )
            buffer.writeStaticString("cache-control: no-store\r\ncontent-length: ")
            buffer.writeString(String(self.body.count))
            buffer.writeStaticString("\r\n\r\n")
            buffer.writeBytes(self.body)
            return
        }
        buffer.writeString(self.version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(self.status.code))
        buffer.writeString(" ")
        buffer.writeString(self.status.reasonPhrase)
        buffer.writeString("\r\n")
        if let contentType = self.contentType {
            buffer.writeString("content-type: ")
            buffer.writeString(contentType)
            buffer.writeString("\r\n")
        }
        buffer.writeStaticString(Self.alwaysSent)
        if let origin = self.corsOrigin {
            buffer.writeString("access-control-allow-origin: ")
            buffer.writeString(origin)
            buffer.writeString("\r\nvary: Origin\r\n")
        }
        if self.preflight {
            buffer.writeStaticString("access-control-allow-methods: POST\r\n")
            buffer.writeStaticString("access-control-allow-headers: content-type, authorization\r\n")
            buffer.writeStaticString("access-control-max-age: 600\r\n")
        }
        if self.status != .noContent {
            buffer.writeString("content-length: ")
            buffer.writeString(String(self.body.count))
            buffer.writeString("\r\n")
        }
        if self.allowPOST {
            buffer.writeString("allow: POST\r\n")
        }
        if self.bearerChallenge {
            buffer.writeString("www-authenticate: Bearer realm=\"rpcd\"\r\n")
        }
        if let seconds = self.retryAfterSeconds {
            buffer.writeString("retry-after: \(seconds)\r\n")
        }
        if !self.keepAlive {
            buffer.writeString("connection: close\r\n")
        } else if self.version.minor == 0 {
            buffer.writeString("connection: keep-alive\r\n")
        }
        buffer.writeString("\r\n")
        if !self.headOnly {
            buffer.writeBytes(self.body)
        }
    }
}
