package import JSONRPC

/// An admin method's params or result: `Codable` with the exact DESIGN §7 member names, and
/// convertible to and from ``JSONValue`` (through ``JSONValueEncoder``/``JSONValueDecoder``), so
/// that the admin server produces the very shape `rpcd-admin` decodes.
package protocol AdminPayload: Codable, Sendable, Equatable {}

extension AdminPayload {
    /// This value as JSON.
    /// - Throws: `EncodingError` when a number cannot be written as JSON (infinity or NaN).
    package func jsonValue() throws -> JSONValue {
        try JSONValueEncoder().encode(self)
    }

    /// Decodes a value from JSON; members the type does not know are ignored.
    /// - Throws: `DecodingError` naming the member that is missing or of the wrong type.
    package init(jsonValue: JSONValue) throws {
        self = try JSONValueDecoder().decode(Self.self, from: jsonValue)
    }
}

// The `workers` result is a bare array of ``WorkerInfo``.
extension Array: AdminPayload where Element: AdminPayload {}
