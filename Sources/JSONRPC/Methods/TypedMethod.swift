/// The glue between typed handlers and the raw params/result of the wire.
enum TypedMethod {
    /// Decodes `P` from the params as sent.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` naming the parameter and what was expected.
    static func decodeParams<P: RPCParameters>(_ type: P.Type, from params: Params) throws(JSONRPCError) -> P {
        let names = P.parameterNames
        let object: JSONObject
        switch params {
        case .none:
            object = JSONObject()
        case .positional(let values):
            guard values.count <= names.count else {
                throw .invalidParams(
                    names.isEmpty
                        ? "this method takes no params"
                        : "expected at most \(names.count) positional params (\(names.joined(separator: ", "))), "
                            + "got \(values.count)"
                )
            }
            var members: [(String, JSONValue)] = []
            members.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                members.append((names[index], value))
            }
            object = JSONObject(members)
        case .named(let named):
            for key in named.keys where !names.contains(key) {
                throw .invalidParams(names.isEmpty ? "this method takes no params" : "unknown param '\(key)'")
            }
            object = named
        }
        if P.self == NoParams.self, let none = NoParams() as? P { return none }
        do {
            return try P(from: JSONValueDecoding(value: .object(object), codingPath: []))
        } catch let error as DecodingError {
            throw .invalidParams(describe(error))
        } catch let error as JSONRPCError {
            throw error
        } catch {
            // A custom init(from:) threw something of its own; it is still the params' fault, but its text is
            // not ours to show.
            throw .invalidParams("params do not have the expected form")
        }
    }

    /// Encodes a typed result.
    ///
    /// - Throws: ``JSONRPCError/internalError`` when the result cannot be represented (e.g. an infinite double).
    static func encodeResult<R: Encodable>(_ result: R) throws(JSONRPCError) -> JSONValue {
        do {
            return try JSONValueEncoder().encode(result)
        } catch {
            throw .internalError
        }
    }

    /// A client-facing explanation of a decoding failure: which param, what was expected.
    static func describe(_ error: DecodingError) -> String {
        func where_(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "params" : "param '\(JSONCodingKey.describe(path))'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing required param '\(JSONCodingKey.describe(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(where_(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "params do not have the expected form"
        }
    }

    /// The `rpc.discover` description of a typed method.
    static func description<P: RPCParameters, R>(summary: String, params: P.Type, result: R.Type) -> MethodDescription {
        let probed = ParameterProbe.describe(P.self)
        return MethodDescription(
            summary: summary,
            params: probed,
            result: ParamDescription(name: "result", schema: JSONSchema.schema(for: R.self))
        )
    }
}
