/// Encodes `Encodable` values into a ``JSONValue`` (no text round trip).
///
/// Object members keep the order in which they were encoded. Infinite and NaN floating-point values cannot be
/// represented in JSON and throw `EncodingError.invalidValue`.
public struct JSONValueEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Encodes `value`.
    ///
    /// - Throws: `EncodingError` for non-finite numbers, or whatever `value.encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let value = value as? JSONValue { return value }
        let node = JSONValueEncoding.Node()
        try value.encode(to: JSONValueEncoding(node: node, codingPath: []))
        return node.resolved()
    }
}

/// The `Encoder` behind ``JSONValueEncoder``; it is also its own single-value container.
///
/// Containers write into reference `Node`s so that nested containers handed out earlier stay connected;
/// the tree is turned into a ``JSONValue`` once encoding finishes.
final class JSONValueEncoding: Encoder, SingleValueEncodingContainer {
    final class Node {
        enum Content {
            case empty
            case value(JSONValue)
            case object([(String, Node)])
            case array([Node])
        }

        var content: Content = .empty

        init() {}

        init(_ value: JSONValue) {
            content = .value(value)
        }

        func resolved() -> JSONValue {
            switch content {
            case .empty: .object(JSONObject())
            case .value(let value): value
            case .object(let members): .object(JSONObject(members.map { ($0.0, $0.1.resolved()) }))
            case .array(let elements): .array(elements.map { $0.resolved() })
            }
        }

        func appendMember(_ key: String, _ node: Node) {
            if case .object(var members) = content {
                content = .empty  // keep the array uniquely referenced while appending
                members.append((key, node))
                content = .object(members)
            } else {
                content = .object([(key, node)])
            }
        }

        func appendElement(_ node: Node) {
            if case .array(var elements) = content {
                content = .empty
                elements.append(node)
                content = .array(elements)
            } else {
                content = .array([node])
            }
        }

        var elementCount: Int {
            if case .array(let elements) = content { return elements.count }
            return 0
        }
    }

    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: Node, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    // MARK: Boxing

    static func box(_ value: Double, _ path: [any CodingKey]) throws -> JSONValue {
        guard let number = JSONNumber(value) else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: path, debugDescription: "\(value) cannot be represented in JSON")
            )
        }
        return .number(number)
    }

    static func box(_ value: Float, _ path: [any CodingKey]) throws -> JSONValue {
        guard let number = JSONNumber(value) else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: path, debugDescription: "\(value) cannot be represented in JSON")
            )
        }
        return .number(number)
    }

    /// Encodes any value into a fresh node.
    static func node<T: Encodable>(for value: T, _ path: [any CodingKey]) throws -> Node {
        if let value = value as? JSONValue { return Node(value) }
        let node = Node()
        try value.encode(to: JSONValueEncoding(node: node, codingPath: path))
        return node
    }

    // MARK: Single value

    func encodeNil() { node.content = .value(.null) }
    func encode(_ value: Bool) { node.content = .value(.bool(value)) }
    func encode(_ value: String) { node.content = .value(.string(value)) }
    func encode(_ value: Double) throws { node.content = .value(try Self.box(value, codingPath)) }
    func encode(_ value: Float) throws { node.content = .value(try Self.box(value, codingPath)) }
    func encode(_ value: Int) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: Int8) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: Int16) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: Int32) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: Int64) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: UInt) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: UInt8) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: UInt16) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: UInt32) { node.content = .value(.number(JSONNumber(value))) }
    func encode(_ value: UInt64) { node.content = .value(.number(JSONNumber(value))) }
    func encode<T: Encodable>(_ value: T) throws {
        node.content = try Self.node(for: value, codingPath).content
    }
}

extension JSONValueEncoding {
    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        private func put(_ value: JSONValue, _ key: Key) {
            node.appendMember(key.stringValue, Node(value))
        }

        mutating func encodeNil(forKey key: Key) { put(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) { put(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) { put(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(try box(value, codingPath + [key]), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(try box(value, codingPath + [key]), key) }
        mutating func encode(_ value: Int, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) { put(.number(JSONNumber(value)), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            node.appendMember(key.stringValue, try JSONValueEncoding.node(for: value, codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            let child = Node()
            node.appendMember(key.stringValue, child)
            return JSONValueEncoding(node: child, codingPath: codingPath + [key]).container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            node.appendMember(key.stringValue, child)
            return JSONValueEncoding(node: child, codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.appendMember(JSONCodingKey.superKey.stringValue, child)
            return JSONValueEncoding(node: child, codingPath: codingPath + [JSONCodingKey.superKey])
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            node.appendMember(key.stringValue, child)
            return JSONValueEncoding(node: child, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        var count: Int { node.elementCount }

        private var nextPath: [any CodingKey] { codingPath + [JSONCodingKey(intValue: count)] }

        private func put(_ value: JSONValue) {
            node.appendElement(Node(value))
        }

        mutating func encodeNil() { put(.null) }
        mutating func encode(_ value: Bool) { put(.bool(value)) }
        mutating func encode(_ value: String) { put(.string(value)) }
        mutating func encode(_ value: Double) throws { put(try box(value, nextPath)) }
        mutating func encode(_ value: Float) throws { put(try box(value, nextPath)) }
        mutating func encode(_ value: Int) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int8) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int16) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int32) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: Int64) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt8) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt16) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt32) { put(.number(JSONNumber(value))) }
        mutating func encode(_ value: UInt64) { put(.number(JSONNumber(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.appendElement(try JSONValueEncoding.node(for: value, nextPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            let path = nextPath
            let child = Node()
            node.appendElement(child)
            return JSONValueEncoding(node: child, codingPath: path).container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let path = nextPath
            let child = Node()
            node.appendElement(child)
            return JSONValueEncoding(node: child, codingPath: path).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let path = nextPath
            let child = Node()
            node.appendElement(child)
            return JSONValueEncoding(node: child, codingPath: path)
        }
    }
}
