/// A type that can state its JSON Schema, used by `rpc.discover` for typed methods' params and results.
///
/// The standard scalar types, `Optional`, `Array`, string-keyed `Dictionary`, ``JSONValue`` and ``JSONNumber``
/// conform; conform your own params' member types to describe them too (anything else is shown as `{}`).
public protocol JSONSchemaDescribing {
    /// The JSON Schema of the type's values, e.g. `{"type": "integer"}`.
    static var jsonSchema: JSONValue { get }
}

extension Bool: JSONSchemaDescribing {
    /// `{"type": "boolean"}`.
    public static var jsonSchema: JSONValue { ["type": "boolean"] }
}

extension String: JSONSchemaDescribing {
    /// `{"type": "string"}`.
    public static var jsonSchema: JSONValue { ["type": "string"] }
}

extension Double: JSONSchemaDescribing {
    /// `{"type": "number"}`.
    public static var jsonSchema: JSONValue { ["type": "number"] }
}

extension Float: JSONSchemaDescribing {
    /// `{"type": "number"}`.
    public static var jsonSchema: JSONValue { ["type": "number"] }
}

extension JSONNumber: JSONSchemaDescribing {
    /// `{"type": "number"}`.
    public static var jsonSchema: JSONValue { ["type": "number"] }
}

extension JSONValue: JSONSchemaDescribing {
    /// `{}`: any JSON value.
    public static var jsonSchema: JSONValue { [:] }
}

extension Int: JSONSchemaDescribing {
    /// `{"type": "integer"}`.
    public static var jsonSchema: JSONValue { ["type": "integer"] }
}

extension Int8: JSONSchemaDescribing {
    /// `{"type": "integer"}`.
    public static var jsonSchema: JSONValue { ["type": "integer"] }
}

extension Int16: JSONSchemaDescribing {
    /// `{"type": "integer"}`.
    public static var jsonSchema: JSONValue { ["type": "integer"] }
}

extension Int32: JSONSchemaDescribing {
    /// `{"type": "integer"}`.
    public static var jsonSchema: JSONValue { ["type": "integer"] }
}

extension Int64: JSONSchemaDescribing {
    /// `{"type": "integer"}`.
    public static var jsonSchema: JSONValue { ["type": "integer"] }
}

extension UInt: JSONSchemaDescribing {
    /// `{"type": "integer", "minimum": 0}`.
    public static var jsonSchema: JSONValue { ["type": "integer", "minimum": 0] }
}

extension UInt8: JSONSchemaDescribing {
    /// `{"type": "integer", "minimum": 0}`.
    public static var jsonSchema: JSONValue { ["type": "integer", "minimum": 0] }
}

extension UInt16: JSONSchemaDescribing {
    /// `{"type": "integer", "minimum": 0}`.
    public static var jsonSchema: JSONValue { ["type": "integer", "minimum": 0] }
}

extension UInt32: JSONSchemaDescribing {
    /// `{"type": "integer", "minimum": 0}`.
    public static var jsonSchema: JSONValue { ["type": "integer", "minimum": 0] }
}

extension UInt64: JSONSchemaDescribing {
    /// `{"type": "integer", "minimum": 0}`.
    public static var jsonSchema: JSONValue { ["type": "integer", "minimum": 0] }
}

extension Optional: JSONSchemaDescribing where Wrapped: JSONSchemaDescribing {
    /// The wrapped type's schema (whether a param may be left out is stated by its `required` flag).
    public static var jsonSchema: JSONValue { Wrapped.jsonSchema }
}

extension Array: JSONSchemaDescribing where Element: JSONSchemaDescribing {
    /// `{"type": "array", "items": <element schema>}`.
    public static var jsonSchema: JSONValue { ["type": "array", "items": Element.jsonSchema] }
}

extension Dictionary: JSONSchemaDescribing where Key == String, Value: JSONSchemaDescribing {
    /// `{"type": "object", "additionalProperties": <value schema>}`.
    public static var jsonSchema: JSONValue { ["type": "object", "additionalProperties": Value.jsonSchema] }
}

extension JSONObject: JSONSchemaDescribing {
    /// `{"type": "object"}`.
    public static var jsonSchema: JSONValue { ["type": "object"] }
}
