/// Decodes `Decodable` types from a ``JSONValue`` (no text round trip).
///
/// Numbers decode into any integer type only when they are exactly integral and in range (`1e3` is a fine
/// `Int`, `1.5` is not); `Double` rejects numbers no double can hold (`1e400`). Nothing is coerced between
/// kinds: a string is never a number.
public struct JSONValueDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a `T` from `value`.
    ///
    /// - Throws: `DecodingError` describing the path and what was expected, or whatever `T.init(from:)` throws.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        if T.self == JSONValue.self, let value = value as? T { return value }
        return try T(from: JSONValueDecoding(value: value, codingPath: []))
    }
}

/// The `Decoder` behind ``JSONValueDecoder``; it is also its own single-value container.
final class JSONValueDecoding: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey]) {
        self.value = value
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw JSONValueDecoding.mismatch([String: JSONValue].self, "an object", value, codingPath)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw JSONValueDecoding.mismatch([JSONValue].self, "an array", value, codingPath)
        }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Single value

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try Self.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try Self.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Self.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try Self.float(value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try Self.integer(value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Self.integer(value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Self.integer(value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Self.integer(value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Self.integer(value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try Self.integer(value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Self.integer(value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Self.integer(value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Self.integer(value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Self.integer(value, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Self.decodable(T.self, value, codingPath) }

    // MARK: Unboxing

    static func decodable<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self, let value = value as? T { return value }
        return try T(from: JSONValueDecoding(value: value, codingPath: path))
    }

    static func mismatch(
        _ type: Any.Type,
        _ expected: String,
        _ value: JSONValue,
        _ path: [any CodingKey]
    )
        -> DecodingError
    {
        if value == .null {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "expected \(expected), found null"))
        }
        return .typeMismatch(
            type,
            .init(codingPath: path, debugDescription: "expected \(expected), found \(value.kindName)")
        )
    }

    static func bool(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, "a boolean", value, path()) }
        return flag
    }

    static func string(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let string) = value else { throw mismatch(String.self, "a string", value, path()) }
        return string
    }

    static func double(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard case .number(let number) = value else { throw mismatch(Double.self, "a number", value, path()) }
        guard let double = number.double else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: path(), debugDescription: "number \(number.text) is out of range for a double")
            )
        }
        return double
    }

    static func float(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Float {
        let double = try double(value, path())
        let float = Float(double)
        guard float.isFinite else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: path(), debugDescription: "number \(double) is out of range for a float")
            )
        }
        return float
    }

    static func integer<T: FixedWidthInteger>(
        _ value: JSONValue,
        _ path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        guard case .number(let number) = value else { throw mismatch(T.self, "an integer", value, path()) }
        if number.isInteger, let exact = T(number.text) {
            return exact
        }
        if let wide = number.int64, let exact = T(exactly: wide) {
            return exact
        }
        let reason = number.isInteger || number.int64 != nil ? "out of range for \(T.self)" : "not an integer"
        throw DecodingError.dataCorrupted(
            .init(codingPath: path(), debugDescription: "expected an integer, \(number.text) is \(reason)")
        )
    }
}

extension JSONValueDecoding {
    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONObject
        let codingPath: [any CodingKey]

        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        private func value(_ key: Key) throws -> JSONValue {
            guard let value = object[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key,
                    .init(codingPath: codingPath, debugDescription: "missing member '\(key.stringValue)'")
                )
            }
            return value
        }

        private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

        func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(value(key), path(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(value(key), path(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try double(value(key), path(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try float(value(key), path(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(value(key), path(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(value(key), path(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(value(key), path(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(value(key), path(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(value(key), path(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(value(key), path(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(value(key), path(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(value(key), path(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(value(key), path(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(value(key), path(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decodable(T.self, value(key), path(key))
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type,
            forKey key: Key
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try JSONValueDecoding(value: value(key), codingPath: path(key)).container(keyedBy: NestedKey.self)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoding(value: value(key), codingPath: path(key)).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            JSONValueDecoding(value: object[JSONCodingKey.superKey.stringValue] ?? .null, codingPath: codingPath)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoding(value: object[key.stringValue] ?? .null, codingPath: path(key))
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private var currentPath: [any CodingKey] { codingPath + [JSONCodingKey(intValue: currentIndex)] }

        private mutating func next<T>(_ type: T.Type) throws -> JSONValue {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    T.self,
                    .init(codingPath: currentPath, debugDescription: "expected more than \(elements.count) elements")
                )
            }
            defer { currentIndex += 1 }
            return elements[currentIndex]
        }

        private mutating func take<T>(_ unbox: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
            let path = currentPath
            let value = try next(T.self)
            return try unbox(value, path)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { return false }
            if elements[currentIndex] == .null {
                currentIndex += 1
                return true
            }
            return false
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try take { try bool($0, $1) } }
        mutating func decode(_ type: String.Type) throws -> String { try take { try string($0, $1) } }
        mutating func decode(_ type: Double.Type) throws -> Double { try take { try double($0, $1) } }
        mutating func decode(_ type: Float.Type) throws -> Float { try take { try float($0, $1) } }
        mutating func decode(_ type: Int.Type) throws -> Int { try take { try integer($0, $1) } }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try take { try integer($0, $1) } }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try take { try integer($0, $1) } }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try take { try integer($0, $1) } }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try take { try integer($0, $1) } }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try take { try integer($0, $1) } }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try take { try integer($0, $1) } }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try take { try integer($0, $1) } }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try take { try integer($0, $1) } }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try take { try integer($0, $1) } }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try take { value, path in try decodable(T.self, value, path) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try take { value, path in
                try JSONValueDecoding(value: value, codingPath: path).container(keyedBy: NestedKey.self)
            }
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try take { value, path in try JSONValueDecoding(value: value, codingPath: path).unkeyedContainer() }
        }

        mutating func superDecoder() throws -> any Decoder {
            try take { value, path in JSONValueDecoding(value: value, codingPath: path) }
        }
    }
}
