@testable import JSONRPC

/// libFuzzer harness over the JSON scanner, parser and writer.
///
/// For each of a tight and the default depth limit: the recursive parser and the scanner's
/// iterative validation agree on every input (accepted; too deep before any syntax error; or the
/// same syntax error at the same byte);
/// whatever is accepted nests no deeper than the limit, and `JSONWriter` writes it back as text
/// that parses to the same value and writes to the same bytes; wrapping it in enough arrays to
/// pass the limit by one is refused as too deep, and to reach it exactly is accepted.
enum JSONFuzzer {
    static let depths = [4, 64]

    static func check(_ bytes: [UInt8]) {
        var accepted: JSONValue?
        for maxDepth in depths {
            let parser = JSONParser(maxDepth: maxDepth)
            let parsed = Result { () throws(JSONParseError) in try parser.parse(bytes) }
            let validation = bytes.withUnsafeBytes { buffer in
                var scanner = JSONScanner(buffer, maxDepth: maxDepth)
                return scanner.validateDocument()
            }
            switch parsed {
            case .success(let value):
                FuzzCheck.require(
                    validation.syntaxError == nil && !validation.exceedsDepth,
                    "parser accepts, validation says \(validation) (maxDepth \(maxDepth))"
                )
                FuzzCheck.require(depth(of: value) <= maxDepth, "accepted depth \(depth(of: value)) > \(maxDepth)")
                if let accepted {
                    FuzzCheck.require(accepted == value, "a looser depth limit gave another value")
                }
                checkRoundTrip(value, parser: parser)
                checkDepthLimit(value, parser: parser)
                accepted = value
            case .failure(let error) where error.code == .depthLimitExceeded:
                // DESIGN §9: too deep is decided where the limit is passed; a syntax error further
                // on is never reached (the validation pass, which reads on, may still find one).
                FuzzCheck.require(
                    validation.exceedsDepth,
                    "parser says too deep, validation says \(validation) (maxDepth \(maxDepth))"
                )
            case .failure(let error):
                FuzzCheck.require(accepted == nil, "a tighter depth limit accepted what a looser one refuses")
                FuzzCheck.require(
                    validation.syntaxError == error && !validation.exceedsDepth,
                    "parser: \(error), validation: \(validation) (maxDepth \(maxDepth))"
                )
            }
        }
    }

    static func checkRoundTrip(_ value: JSONValue, parser: JSONParser) {
        let written = JSONWriter.serialize(value)
        guard let reparsed = try? parser.parse(written) else {
            FuzzCheck.fail("JSONWriter wrote what the parser refuses: \(FuzzCheck.show(written))")
        }
        FuzzCheck.require(reparsed == value, "round trip changed the value: \(FuzzCheck.show(written))")
        let rewritten = JSONWriter.serialize(reparsed)
        FuzzCheck.require(rewritten == written, "writing is not stable: \(FuzzCheck.show(written))")
    }

    static func checkDepthLimit(_ value: JSONValue, parser: JSONParser) {
        var atLimit = value
        for _ in 0..<(parser.maxDepth - depth(of: value)) { atLimit = .array([atLimit]) }
        let text = JSONWriter.serialize(atLimit)
        FuzzCheck.require((try? parser.parse(text)) == atLimit, "refused at exactly the depth limit")
        let over = [UInt8(ascii: "[")] + text + [UInt8(ascii: "]")]
        do {
            _ = try parser.parse(over)
            FuzzCheck.fail("accepted one level past the depth limit \(parser.maxDepth)")
        } catch {
            FuzzCheck.require(error.code == .depthLimitExceeded, "one level too deep gave \(error)")
        }
    }

    /// Nesting depth as `JSONParser` counts it: a scalar is 0, the top-level container 1.
    static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let elements): 1 + (elements.map(depth(of:)).max() ?? 0)
        case .object(let object): 1 + (object.members.map { depth(of: $0.value) }.max() ?? 0)
        default: 0
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    JSONFuzzer.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
