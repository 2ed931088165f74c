/// JSON Schemas for Swift types, as far as they can be told from the type alone.
enum JSONSchema {
    /// The type's schema if it is ``JSONSchemaDescribing``, else `{}` (anything).
    static func schema(for type: Any.Type) -> JSONValue {
        (type as? any JSONSchemaDescribing.Type)?.jsonSchema ?? [:]
    }
}
