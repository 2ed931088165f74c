/// A JSON object: members in source order, keys unique.
///
/// When a key appears more than once the last value wins and keeps the position of the first occurrence,
/// so lookups, iteration and serialization all agree. Equality and hashing ignore member order.
public struct JSONObject: Sendable, Sequence {
    /// One member of an object.
    public typealias Member = (key: String, value: JSONValue)

    var storage: [Member]

    /// Creates an object from members in order; for duplicate keys the last value wins.
    public init(_ members: [(String, JSONValue)]) {
        var storage: [Member] = []
        storage.reserveCapacity(members.count)
        for (key, value) in members {
            storage.append((key, value))
        }
        self.storage = storage
        deduplicate()
    }

    /// Creates an empty object.
    public init() {
        self.storage = []
    }

    /// Builds from members collected by the parser, deduplicating only when needed.
    init(parsedMembers: [Member]) {
        self.storage = parsedMembers
        deduplicate()
    }

    /// The value for `key`, or `nil` if there is no such member.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in storage where member.key == key {
                return member.value
            }
            return nil
        }
        set {
            if let index = storage.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    storage[index].value = newValue
                } else {
                    storage.remove(at: index)
                }
            } else if let newValue {
                storage.append((key, newValue))
            }
        }
    }

    /// The number of members.
    public var count: Int { storage.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { storage.isEmpty }

    /// The keys in order.
    public var keys: [String] { storage.map(\.key) }

    /// The members in order.
    public var members: [Member] { storage }

    /// An iterator over the members in order.
    public func makeIterator() -> IndexingIterator<[Member]> {
        storage.makeIterator()
    }

    private mutating func deduplicate() {
        let count = storage.count
        guard count > 1 else { return }
        if count <= 16 {
            // Small objects (the common case for params): a quadratic scan beats hashing.
            var hasDuplicate = false
            outer: for i in 1..<count {
                for j in 0..<i where storage[j].key == storage[i].key {
                    hasDuplicate = true
                    break outer
                }
            }
            guard hasDuplicate else { return }
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(count)
        var unique: [Member] = []
        unique.reserveCapacity(count)
        for member in storage {
            if let position = positions[member.key] {
                unique[position].value = member.value
            } else {
                positions[member.key] = unique.count
                unique.append(member)
            }
        }
        if unique.count != count {
            storage = unique
        }
    }
}

extension JSONObject: Hashable {
    /// Objects are equal when they have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.storage {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    /// Hashes the members independently of their order.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for member in storage {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(storage.count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object with the members in literal order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
