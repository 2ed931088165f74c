extension Dispatcher {
    /// Checks that only whitespace follows the message.
    static func expectEnd(_ scanner: inout JSONScanner) throws(JSONParseError) {
        scanner.skipWhitespace()
        guard scanner.atEnd else {
            throw scanner.failure(.trailingData, "unexpected data after the JSON value", at: scanner.index)
        }
    }

    /// Reads a whole batch (`index` is at `[`); an empty array gives no calls.
    func readBatch(_ scanner: inout JSONScanner) throws(JSONParseError) -> [ParsedCall] {
        guard scanner.maxDepth >= 1 else { throw scanner.depthExceeded(at: scanner.index) }
        scanner.index += 1
        scanner.skipWhitespace()
        var calls: [ParsedCall] = []
        if !scanner.atEnd && scanner.byte(scanner.index) == UInt8(ascii: "]") {
            scanner.index += 1
            try Self.expectEnd(&scanner)
            return calls
        }
        while true {
            guard calls.count < limits.maxBatch else {
                throw scanner.failure(.batchLimitExceeded, "batch too large", at: scanner.index)
            }
            let start = scanner.index
            var call = try scanner.scanCall(depth: 2)
            call.byteCount = scanner.index - start
            calls.append(call)
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw scanner.unexpected(at: scanner.index, expecting: "',' or ']'") }
            let next = scanner.byte(scanner.index)
            scanner.index += 1
            if next == UInt8(ascii: ",") {
                scanner.skipWhitespace()
            } else if next == UInt8(ascii: "]") {
                try Self.expectEnd(&scanner)
                return calls
            } else {
                throw scanner.unexpected(at: scanner.index - 1, expecting: "',' or ']'")
            }
        }
    }

    /// Turns a failure to read the message into the single error that answers it.
    func classify(_ error: JSONParseError, message: UnsafeRawBufferPointer) -> JSONRPCError {
        switch error.code {
        case .depthLimitExceeded:
            // DESIGN §9: too deep is detected while scanning and answered as soon as it is seen,
            // whatever follows; nothing past that point is read.
            return .invalidRequest("nesting deeper than the maximum depth of \(limits.maxDepth)")
        case .batchLimitExceeded:
            // Reading stopped at the batch limit; a syntax error further on still makes the message a parse error.
            var validator = JSONScanner(message, maxDepth: limits.maxDepth)
            let validation = validator.validateDocument()
            if let syntaxError = validation.syntaxError {
                return .parseError(syntaxError.description)
            }
            if error.code == .batchLimitExceeded && !validation.exceedsDepth {
                return JSONRPCError(
                    code: JSONRPCErrorCode.invalidRequest,
                    message: "Invalid Request: batch larger than the limit of \(limits.maxBatch) requests",
                    data: .string("a batch may hold at most \(limits.maxBatch) requests")
                )
            }
            return .invalidRequest("nesting deeper than the maximum depth of \(limits.maxDepth)")
        default:
            return .parseError(error.description)
        }
    }
}
