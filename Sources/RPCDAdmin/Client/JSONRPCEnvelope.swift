internal import JSONRPC

/// Builds one JSON-RPC 2.0 request and reads the response that answers it.
enum JSONRPCEnvelope {
    /// The id every request of this client carries: one request per connection, so one id is enough.
    static let requestID = 1

    /// The compact request text `{"jsonrpc":"2.0","method":...,"params":...,"id":1}`.
    static func request(method: String, params: JSONValue?) -> [UInt8] {
        var members: [(String, JSONValue)] = [("jsonrpc", "2.0"), ("method", .string(method))]
        if let params {
            members.append(("params", params))
        }
        members.append(("id", .int(self.requestID)))
        return JSONWriter.serialize(.object(JSONObject(members)))
    }

    /// Decodes a response to our request.
    /// - Throws: ``AdminClientError/Code/protocolError`` when `bytes` are not JSON, not a response
    ///   object, or answer another id.
    static func outcome(of bytes: [UInt8], from peer: String) throws(AdminClientError) -> RPCCallOutcome {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: JSONParser.depthCeiling).parse(bytes)
        } catch {
            throw AdminClientError(.protocolError, "\(peer) answered with invalid JSON (\(error))", cause: error)
        }
        guard case .object(let response) = value else {
            throw AdminClientError(
                .protocolError,
                "\(peer) answered with a JSON \(value.kindName), not a response object"
            )
        }
        if let error = response["error"] {
            // An error about the request as a whole (parse error, too large) comes back with "id": null.
            guard response["id"] == .int(self.requestID) || response["id"] == .null else {
                throw AdminClientError(
                    .protocolError,
                    "\(peer) answered another request (id \(response["id"] ?? .null))"
                )
            }
            return .error(try self.rpcError(error, from: peer))
        }
        guard let result = response["result"] else {
            throw AdminClientError(.protocolError, "\(peer) answered with neither result nor error: \(value)")
        }
        guard response["id"] == .int(self.requestID) else {
            throw AdminClientError(.protocolError, "\(peer) answered another request (id \(response["id"] ?? .null))")
        }
        return .result(result)
    }

    private static func rpcError(_ value: JSONValue, from peer: String) throws(AdminClientError) -> JSONRPCError {
        guard let code = value["code"]?.numberValue?.int64, let message = value["message"]?.stringValue,
            let code = Int(exactly: code)
        else {
            throw AdminClientError(.protocolError, "\(peer) answered with a malformed error object: \(value)")
        }
        return JSONRPCError(code: code, message: message, data: value["data"])
    }
}
