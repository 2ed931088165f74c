/// Renders access log records as lines of bytes, straight into a buffer (no per-record `String`).
///
/// Text: `key=value` pairs in a fixed order (`ts worker transport peer credential method outcome duration_us
/// request_bytes response_bytes`), a value bare when plain and double-quoted with escapes otherwise, `-` for
/// none. JSON: one object per line with the same keys in the same order; `worker`, `peer` and `credential` are
/// `null` when absent; `outcome` is always a string (`"ok"` or the code, e.g. `"-32601"`).
package enum AccessLogFormatter {
    /// Appends one line (ending in a newline) for `record`.
    /// - Parameters:
    ///   - timestamp: the call's RFC 3339 UTC time with milliseconds, e.g. `2026-11-21T21:57:13.123Z`, as UTF-8.
    ///   - worker: the worker number, nil in single-process mode.
    package static func append(
        _ record: AccessLogRecord,
        timestamp: some Collection<UInt8>,
        worker: Int?,
        format: LogFormat,
        to line: inout [UInt8]
    ) {
        switch format {
        case .text: self.appendText(record, timestamp: timestamp, worker: worker, to: &line)
        case .json: self.appendJSON(record, timestamp: timestamp, worker: worker, to: &line)
        }
    }

    /// The text fields after `ts` and `worker`, as syslog and the journal's `MESSAGE` show them.
    package static func message(_ record: AccessLogRecord) -> String {
        var line: [UInt8] = []
        self.appendTextFields(record, to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    private static func appendText(
        _ record: AccessLogRecord,
        timestamp: some Collection<UInt8>,
        worker: Int?,
        to line: inout [UInt8]
    ) {
        line.append(contentsOf: "ts=".utf8)
        line.append(contentsOf: timestamp)
        line.append(contentsOf: " worker=".utf8)
        if let worker { self.appendDecimal(Int64(worker), to: &line) } else { line.append(UInt8(ascii: "-")) }
        line.append(UInt8(ascii: " "))
        self.appendTextFields(record, to: &line)
        line.append(UInt8(ascii: "\n"))
    }

    private static func appendTextFields(_ record: AccessLogRecord, to line: inout [UInt8]) {
        line.append(contentsOf: "transport=".utf8)
        self.appendTextValue(record.transport.utf8, to: &line)
        line.append(contentsOf: " peer=".utf8)
        if let peer = record.peer {
            self.appendPeer(peer, text: true, to: &line)
        } else {
            line.append(UInt8(ascii: "-"))
        }
        line.append(contentsOf: " credential=".utf8)
        self.appendTextValue((record.credential ?? "-").utf8, to: &line)
        line.append(contentsOf: " method=".utf8)
        self.appendTextValue((record.method.isEmpty ? "-" : record.method).utf8, to: &line)
        line.append(contentsOf: " outcome=".utf8)
        self.appendOutcome(record.errorCode, to: &line)
        line.append(contentsOf: " duration_us=".utf8)
        self.appendDecimal(record.durationMicroseconds, to: &line)
        line.append(contentsOf: " request_bytes=".utf8)
        self.appendDecimal(Int64(record.requestBytes), to: &line)
        line.append(contentsOf: " response_bytes=".utf8)
        self.appendDecimal(Int64(record.responseBytes), to: &line)
    }

    private static func appendJSON(
        _ record: AccessLogRecord,
        timestamp: some Collection<UInt8>,
        worker: Int?,
        to line: inout [UInt8]
    ) {
        line.append(contentsOf: "{\"ts\":\"".utf8)
        line.append(contentsOf: timestamp)
        line.append(contentsOf: "\",\"worker\":".utf8)
        if let worker { self.appendDecimal(Int64(worker), to: &line) } else { line.append(contentsOf: "null".utf8) }
        line.append(contentsOf: ",\"transport\":".utf8)
        self.appendJSONString(record.transport.utf8, to: &line)
        line.append(contentsOf: ",\"peer\":".utf8)
        if let peer = record.peer {
            self.appendPeer(peer, text: false, to: &line)
        } else {
            line.append(contentsOf: "null".utf8)
        }
        line.append(contentsOf: ",\"credential\":".utf8)
        if let credential = record.credential {
            self.appendJSONString(credential.utf8, to: &line)
        } else {
            line.append(contentsOf: "null".utf8)
        }
        line.append(contentsOf: ",\"method\":".utf8)
        self.appendJSONString((record.method.isEmpty ? "-" : record.method).utf8, to: &line)
        line.append(contentsOf: ",\"outcome\":\"".utf8)
        self.appendOutcome(record.errorCode, to: &line)
        line.append(contentsOf: "\",\"duration_us\":".utf8)
        self.appendDecimal(record.durationMicroseconds, to: &line)
        line.append(contentsOf: ",\"request_bytes\":".utf8)
        self.appendDecimal(Int64(record.requestBytes), to: &line)
        line.append(contentsOf: ",\"response_bytes\":".utf8)
        self.appendDecimal(Int64(record.responseBytes), to: &line)
        line.append(contentsOf: "}\n".utf8)
    }

    /// `ok` or the error code.
    static func appendOutcome(_ errorCode: Int?, to line: inout [UInt8]) {
        if let errorCode { self.appendDecimal(Int64(errorCode), to: &line) } else { line.append(contentsOf: "ok".utf8) }
    }

    /// The peer without NIO's address-family tag and host name: `[IPv4]h/127.0.0.1:5000` → `127.0.0.1:5000`,
    /// `[IPv6]h/::1:5000` → `[::1]:5000`, `[UNIX]/run/rpcd.sock` → `/run/rpcd.sock`; anything else as it is.
    static func shortPeer(_ peer: String) -> Substring {
        let utf8 = peer.utf8
        for tag in ["[IPv4]", "[IPv6]"] where utf8.starts(with: tag.utf8) {
            guard let slash = peer.firstIndex(of: "/") else { return peer[...] }
            let address = peer[peer.index(after: slash)...]
            guard tag == "[IPv6]", let colon = address.lastIndex(of: ":") else { return address }
            return "[\(address[..<colon])]\(address[colon...])"[...]
        }
        if utf8.starts(with: "[UNIX]".utf8) { return peer.dropFirst(6) }
        return peer[...]
    }

    private static func appendPeer(_ peer: String, text: Bool, to line: inout [UInt8]) {
        let short = self.shortPeer(peer)
        if text { self.appendTextValue(short.utf8, to: &line) } else { self.appendJSONString(short.utf8, to: &line) }
    }

    /// A text value: bare when it holds no space, quote, `=`, backslash or control character (and is not
    /// empty), else double-quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\u{HEX}` escapes, as in log lines.
    static func appendTextValue(_ value: some Collection<UInt8>, to line: inout [UInt8]) {
        let plain = !value.isEmpty && !value.contains { Self.needsQuotes($0) }
        guard !plain else {
            line.append(contentsOf: value)
            return
        }
        line.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): line.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): line.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): line.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): line.append(contentsOf: "\\t".utf8)
            case 0..<0x20, 0x7F:
                line.append(contentsOf: "\\u{".utf8)
                self.appendHex(byte, minimumDigits: 1, to: &line)
                line.append(UInt8(ascii: "}"))
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    private static func needsQuotes(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "\\")
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped; UTF-8 as it is.
    static func appendJSONString(_ value: some Collection<UInt8>, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): line.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): line.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): line.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): line.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                line.append(contentsOf: "\\u".utf8)
                self.appendHex(byte, minimumDigits: 4, to: &line)
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    private static func appendHex(_ byte: UInt8, minimumDigits: Int, to line: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        let count = byte >= 0x10 ? 2 : 1
        for _ in count..<max(count, minimumDigits) { line.append(UInt8(ascii: "0")) }
        if byte >= 0x10 { line.append(digits[Int(byte >> 4)]) }
        line.append(digits[Int(byte & 0x0F)])
    }

    /// A decimal integer, without going through `String`.
    static func appendDecimal(_ value: Int64, to line: inout [UInt8]) {
        if value < 0 { line.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 {
            line.append(UInt8(ascii: "0"))
            return
        }
        // Least significant digit first, then turned around in place: no temporary.
        let start = line.count
        while magnitude > 0 {
            line.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        line[start...].reverse()
    }
}
