import JSONRPC

/// libFuzzer harness over `Dispatcher.dispatch`: arbitrary bytes in, and every reply must be a
/// well-formed JSON-RPC 2.0 response that echoes the request's `id` byte for byte.
enum DispatchFuzzer {
    static let dispatcher = FuzzMethods.dispatcher()
    static let context = RequestContext(transport: "fuzz")

    static func dispatch(_ message: [UInt8]) -> [UInt8]? {
        switch dispatcher.dispatch(message, context: context) {
        case .noReply: return nil
        case .reply(let bytes): return bytes
        case .pending, .deferred: FuzzCheck.fail("every method is synchronous, yet the outcome is pending")
        }
    }

    static func check(_ message: [UInt8]) {
        let reply = dispatch(message)
        let raw = RawJSON(message)
        if message.isEmpty || raw.start == message.count {
            // Empty is a parse error; only whitespace gets no reply.
            FuzzCheck.require((reply == nil) == !message.isEmpty, "empty or blank message answered wrongly")
            if let reply { expectSingleError(reply, message: message, codes: [-32700]) }
            return
        }
        let deep = try? ReplyCheck.parser.parse(message)
        guard let value = try? JSONParser(maxDepth: FuzzMethods.limits.maxDepth).parse(message) else {
            // Not JSON, or too deep: one error, id null (DESIGN §9: too deep wins once seen).
            guard let reply else { FuzzCheck.fail("no reply to a malformed message") }
            let codes: Set<Int64> = deep == nil ? [-32700, -32600] : [-32600]
            expectSingleError(reply, message: message, codes: codes, nullID: deep == nil)
            return
        }
        switch value {
        case .array(let elements):
            checkBatch(message, elements: elements, reply: reply)
        case .object:
            checkSingle(message, value: value, reply: reply)
        default:
            guard let reply else { FuzzCheck.fail("no reply to a scalar message") }
            expectSingleError(reply, message: message, codes: [-32600])
        }
    }

    static func expectSingleError(_ reply: [UInt8], message: [UInt8], codes: Set<Int64>, nullID: Bool = true) {
        let response = ReplyCheck.wellFormed(reply, message: message)
        guard case .object = response, let code = ReplyCheck.errorCode(response), codes.contains(code) else {
            FuzzCheck.fail("expected one error \(codes.sorted()), got \(FuzzCheck.show(reply))")
        }
        if nullID {
            FuzzCheck.require(response["id"] == .null, "a message with no readable id got \(FuzzCheck.show(reply))")
        }
    }

    static func rawID(ofResponse reply: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let raw = RawJSON(Array(reply))
        guard let id = raw.members(ofObjectAt: raw.start).last(where: { $0.key.elementsEqual(#""id""#.utf8) }) else {
            FuzzCheck.fail("response without an id: \(FuzzCheck.show(reply))")
        }
        return id.value
    }

    static func checkSingle(_ message: [UInt8], value: JSONValue, reply: [UInt8]?) {
        let raw = RawJSON(message)
        let model = RequestModel(raw: raw, at: raw.start, value: value)
        guard let reply else {
            FuzzCheck.require(model.rawIDs.isEmpty, "no reply to a request with an id")
            return
        }
        FuzzCheck.require(!model.isNotification, "a notification was answered: \(FuzzCheck.show(reply))")
        let response = ReplyCheck.wellFormed(reply, message: message)
        guard case .object = response else { FuzzCheck.fail("a batch reply to a single request") }
        let id = rawID(ofResponse: reply[...])
        if let callID = model.callID {
            FuzzCheck.require(
                id.elementsEqual(callID),
                "id \(FuzzCheck.show(callID)) echoed as \(FuzzCheck.show(id))"
            )
            if ["raw.echo", "echo"].contains(model.method), let result = response["result"] {
                let expected: JSONValue =
                    model.method == "raw.echo"
                    ? (model.params ?? .null) : (model.params?.arrayValue?.first ?? model.params?["message"] ?? .null)
                FuzzCheck.require(result == expected, "echo answered \(result.jsonText) for \(expected.jsonText)")
            }
        } else {
            FuzzCheck.require(
                id.elementsEqual("null".utf8) || model.rawIDs.contains { $0.elementsEqual(id) },
                "reply id \(FuzzCheck.show(id)) is neither null nor the request's"
            )
        }
    }

    /// A batch is answered as its elements would be one by one, in order, notifications left out.
    static func checkBatch(_ message: [UInt8], elements: [JSONValue], reply: [UInt8]?) {
        guard !elements.isEmpty, elements.count <= FuzzMethods.limits.maxBatch else {
            guard let reply else { FuzzCheck.fail("no reply to an empty or oversized batch") }
            expectSingleError(reply, message: message, codes: [-32600])
            return
        }
        let raw = RawJSON(message)
        let rawElements = raw.elements(ofArrayAt: raw.start)
        var replies: [ArraySlice<UInt8>] = []
        if let reply {
            guard case .array = ReplyCheck.wellFormed(reply, message: message) else {
                FuzzCheck.fail("a batch of \(elements.count) got \(FuzzCheck.show(reply))")
            }
            replies = RawJSON(reply).elements(ofArrayAt: 0)
        }
        var next = 0
        for (element, rawElement) in zip(elements, rawElements) {
            let alone: [UInt8]?
            if case .array = element {
                alone = nil  // A nested batch is one invalid request; checked below by its shape.
            } else {
                alone = dispatch(Array(rawElement))
                guard alone != nil else { continue }
            }
            guard next < replies.count else { FuzzCheck.fail("batch reply has too few responses") }
            let response = replies[next]
            next += 1
            if let alone {
                FuzzCheck.require(
                    response.elementsEqual(alone) || mentionsTime(message),
                    "batch answered \(FuzzCheck.show(response)) where alone \(FuzzCheck.show(alone))"
                )
            } else {
                expectSingleError(Array(response), message: Array(rawElement), codes: [-32600])
            }
        }
        FuzzCheck.require(next == replies.count, "batch reply has \(replies.count - next) responses too many")
    }

    /// `time` answers differently from one millisecond to the next.
    static func mentionsTime(_ message: [UInt8]) -> Bool {
        let needle = Array("time".utf8)
        return message.count >= needle.count
            && (0...(message.count - needle.count)).contains { message[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    DispatchFuzzer.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
