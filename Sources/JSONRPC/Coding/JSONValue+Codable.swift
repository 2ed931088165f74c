extension JSONValue: Codable {
    /// Decodes any JSON value. With ``JSONValueDecoder`` the value is taken as is (number tokens kept exactly);
    /// with other decoders it is rebuilt from what their single-value container offers.
    public init(from decoder: any Decoder) throws {
        if let decoding = decoder as? JSONValueDecoding {
            self = decoding.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int64.self) {
            self = .number(JSONNumber(integer))
        } else if let double = try? container.decode(Double.self), let number = JSONNumber(double) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else {
            let members = try container.decode([String: JSONValue].self)
            self = .object(JSONObject(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
    }

    /// Encodes the value. With ``JSONValueEncoder`` it is stored as is (number tokens kept exactly).
    public func encode(to encoder: any Encoder) throws {
        if let encoding = encoder as? JSONValueEncoding {
            encoding.node.content = .value(self)
            return
        }
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .number(let number):
            try number.encode(to: encoder)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let object):
            var container = encoder.container(keyedBy: JSONCodingKey.self)
            for (key, value) in object { try container.encode(value, forKey: JSONCodingKey(stringValue: key)) }
        }
    }
}

extension JSONNumber: Codable {
    /// Decodes a number. With ``JSONValueDecoder`` the token is kept exactly; other decoders go through
    /// `Int64` or `Double`.
    public init(from decoder: any Decoder) throws {
        if let decoding = decoder as? JSONValueDecoding {
            guard case .number(let number) = decoding.value else {
                throw JSONValueDecoding.mismatch(JSONNumber.self, "a number", decoding.value, decoding.codingPath)
            }
            self = number
            return
        }
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            self.init(integer)
        } else {
            let double = try container.decode(Double.self)
            guard let number = JSONNumber(double) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "\(double) is not a JSON number")
                )
            }
            self = number
        }
    }

    /// Encodes the number. With ``JSONValueEncoder`` the token is kept exactly; other encoders get an `Int64`
    /// when it is one, else a `Double`.
    public func encode(to encoder: any Encoder) throws {
        if let encoding = encoder as? JSONValueEncoding {
            encoding.node.content = .value(.number(self))
            return
        }
        var container = encoder.singleValueContainer()
        if isInteger, let integer = int64 {
            try container.encode(integer)
        } else if let double {
            try container.encode(double)
        } else {
            throw EncodingError.invalidValue(
                self,
                .init(codingPath: encoder.codingPath, debugDescription: "\(text) does not fit in a double")
            )
        }
    }
}

extension JSONObject: Codable {
    /// Decodes a JSON object (with ``JSONValueDecoder`` exactly as sent, member order included).
    public init(from decoder: any Decoder) throws {
        guard case .object(let object) = try JSONValue(from: decoder) else {
            throw DecodingError.typeMismatch(
                JSONObject.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected an object")
            )
        }
        self = object
    }

    /// Encodes the object's members in order.
    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(self).encode(to: encoder)
    }
}
