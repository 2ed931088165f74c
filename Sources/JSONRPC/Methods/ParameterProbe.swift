/// Derives `rpc.discover` parameter descriptors from an ``RPCParameters`` type.
///
/// It runs `P.init(from:)` against a decoder that holds no data and records, for each top-level key, whether it
/// was read with `decode` (required) or `decodeIfPresent` (optional) and as which type. Synthesized `Decodable`
/// conformances read every property this way. Whatever cannot be learned (a custom decoder that gives up early,
/// a key never read) falls back to required with schema `{}`.
enum ParameterProbe {
    static func describe<P: RPCParameters>(_ type: P.Type) -> [ParamDescription] {
        let recorder = Recorder()
        _ = try? P(from: ProbeDecoder(recorder: recorder, depth: 0))
        return P.parameterNames.map { name in
            let found = recorder.keys[name]
            return ParamDescription(name: name, required: found?.required ?? true, schema: found?.schema ?? [:])
        }
    }

    final class Recorder {
        var keys: [String: (required: Bool, schema: JSONValue)] = [:]

        func record(_ key: String, _ type: Any.Type, required: Bool) {
            if keys[key] == nil {
                keys[key] = (required, JSONSchema.schema(for: type))
            }
        }
    }

    struct ProbeFailure: Error {}

    /// Produces placeholder values; only the outermost keyed container records what it is asked for.
    struct ProbeDecoder: Decoder {
        let recorder: Recorder?
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(KeyedProbe<Key>(recorder: recorder, depth: depth))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { UnkeyedProbe(depth: depth) }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleProbe(depth: depth) }
    }

    /// A placeholder of a type, or a failure when none can be made.
    static func placeholder<T: Decodable>(_ type: T.Type, depth: Int) throws -> T {
        switch type {
        case is Bool.Type: return false as! T
        case is String.Type: return "" as! T
        case is Double.Type: return 0.0 as! T
        case is Float.Type: return Float(0) as! T
        case is Int.Type: return 0 as! T
        case is Int8.Type: return Int8(0) as! T
        case is Int16.Type: return Int16(0) as! T
        case is Int32.Type: return Int32(0) as! T
        case is Int64.Type: return Int64(0) as! T
        case is UInt.Type: return UInt(0) as! T
        case is UInt8.Type: return UInt8(0) as! T
        case is UInt16.Type: return UInt16(0) as! T
        case is UInt32.Type: return UInt32(0) as! T
        case is UInt64.Type: return UInt64(0) as! T
        default:
            // Recursive types would probe forever; a few levels is plenty to get past wrappers.
            guard depth < 8 else { throw ProbeFailure() }
            return try T(from: ProbeDecoder(recorder: nil, depth: depth + 1))
        }
    }

    struct KeyedProbe<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let recorder: Recorder?
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { false }
        func decodeNil(forKey key: Key) throws -> Bool { true }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            recorder?.record(key.stringValue, T.self, required: true)
            return try placeholder(T.self, depth: depth)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            recorder?.record(key.stringValue, T.self, required: false)
            return nil
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { optional(type, key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { optional(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { optional(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { optional(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { optional(type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { optional(type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { optional(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { optional(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { optional(type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { optional(type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { optional(type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { optional(type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { optional(type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { optional(type, key) }

        private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
            try decode(type, forKey: key)
        }

        private func optional<T>(_ type: T.Type, _ key: Key) -> T? {
            recorder?.record(key.stringValue, T.self, required: false)
            return nil
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type,
            forKey key: Key
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            recorder?.record(key.stringValue, JSONValue.self, required: true)
            return KeyedDecodingContainer(KeyedProbe<NestedKey>(recorder: nil, depth: depth + 1))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            recorder?.record(key.stringValue, JSONValue.self, required: true)
            return UnkeyedProbe(depth: depth + 1)
        }

        func superDecoder() throws -> any Decoder { ProbeDecoder(recorder: nil, depth: depth + 1) }
        func superDecoder(forKey key: Key) throws -> any Decoder { ProbeDecoder(recorder: nil, depth: depth + 1) }
    }

    /// An empty array.
    struct UnkeyedProbe: UnkeyedDecodingContainer {
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }

        mutating func decodeNil() throws -> Bool { throw ProbeFailure() }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw ProbeFailure() }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        { throw ProbeFailure() }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw ProbeFailure() }
        mutating func superDecoder() throws -> any Decoder { throw ProbeFailure() }
    }

    /// A value that claims to be null and otherwise offers placeholders.
    struct SingleProbe: SingleValueDecodingContainer {
        let depth: Int
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { true }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try placeholder(T.self, depth: depth) }
    }
}
