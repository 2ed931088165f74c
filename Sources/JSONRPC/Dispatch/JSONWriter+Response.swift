extension JSONWriter {
    /// The id written for parse errors, invalid requests without a usable id, and `"id": null`.
    static let nullID: StaticString = "null"

    /// Appends `{"jsonrpc":"2.0","result":<result>,"id":<id>}`.
    mutating func writeResponse(result: JSONValue, id: UnsafeRawBufferPointer) {
        writeRaw("{\"jsonrpc\":\"2.0\",\"result\":")
        write(result)
        writeRaw(",\"id\":")
        writeRaw(id)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends `{"jsonrpc":"2.0","error":{"code":..,"message":..,"data":..},"id":<id>}`.
    mutating func writeResponse(error: JSONRPCError, id: UnsafeRawBufferPointer) {
        writeRaw("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":")
        write(error.code)
        writeRaw(",\"message\":")
        write(error.message)
        if let data = error.data {
            writeRaw(",\"data\":")
            write(data)
        }
        writeRaw("},\"id\":")
        writeRaw(id)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends a response for `outcome`.
    mutating func writeResponse(_ outcome: Result<JSONValue, JSONRPCError>, id: UnsafeRawBufferPointer) {
        switch outcome {
        case .success(let result): writeResponse(result: result, id: id)
        case .failure(let error): writeResponse(error: error, id: id)
        }
    }

    /// Runs `body` with the bytes of `id` as found in `message` (`null` unless it is a token).
    static func withIDBytes<T>(
        _ id: ParsedCall.ID,
        in message: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) -> T
    ) -> T {
        switch id {
        case .token(let start, let end):
            return body(UnsafeRawBufferPointer(rebasing: message[start..<end]))
        case .absent, .null:
            return body(UnsafeRawBufferPointer(start: nullID.utf8Start, count: nullID.utf8CodeUnitCount))
        }
    }
}
