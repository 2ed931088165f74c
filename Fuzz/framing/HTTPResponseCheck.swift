import JSONRPC

/// What HTTP answers must look like: a sequence of complete HTTP/1.1 responses, each with a
/// `content-length` that matches its body, except a 204, which has neither (RFC 9110 §8.6: a
/// server must not send Content-Length in a 204); a 200 answering a call carries JSON the
/// project's parser reads, and `"jsonrpc":"2.0"`.
enum HTTPResponseCheck {
    static func check(_ output: [UInt8]) {
        var rest = output[...]
        let separator = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let headEnd = firstRange(of: separator, in: rest) else {
                FuzzCheck.fail("incomplete response head: \(FuzzCheck.show(rest))")
            }
            let head = String(decoding: rest[rest.startIndex..<headEnd], as: UTF8.self)
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let status = lines[0].split(separator: " ", maxSplits: 2)
            FuzzCheck.require(
                status.count >= 2 && ["HTTP/1.1", "HTTP/1.0"].contains(status[0]) && status[1].count == 3
                    && Int(status[1]) != nil,
                "bad status line: \(lines[0])"
            )
            var length: Int?
            var contentType: Substring?
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { FuzzCheck.fail("bad header line: \(line)") }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].drop { $0 == " " }
                if name == "content-length" {
                    FuzzCheck.require(length == nil, "two content-length headers: \(head)")
                    length = Int(value)
                }
                if name == "content-type" { contentType = value }
            }
            if status[1] == "204" {
                // A notification-only request: no body follows, so the next response starts here.
                FuzzCheck.require(length == nil, "a 204 with a content-length: \(head)")
                rest = rest[(headEnd + separator.count)...]
                continue
            }
            guard let length else { FuzzCheck.fail("response without a valid content-length: \(head)") }
            let bodyStart = headEnd + separator.count
            FuzzCheck.require(rest.endIndex - bodyStart >= length, "body shorter than content-length: \(head)")
            let body = Array(rest[bodyStart..<(bodyStart + length)])
            if status[1] == "200", contentType == "application/json", !body.isEmpty {
                guard case .some = try? JSONParser(maxDepth: JSONParser.depthCeiling).parse(body) else {
                    FuzzCheck.fail("a JSON body the parser refuses: \(FuzzCheck.show(body))")
                }
                FuzzCheck.require(
                    firstRange(of: Array(#""jsonrpc":"2.0""#.utf8), in: body[...]) != nil,
                    "a JSON-RPC body without \"jsonrpc\":\"2.0\": \(FuzzCheck.show(body))"
                )
            }
            rest = rest[(bodyStart + length)...]
        }
    }

    static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (haystack.startIndex...(haystack.endIndex - needle.count)).first {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }
}
