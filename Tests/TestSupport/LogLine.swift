import Foundation

/// One line rpcd wrote to stderr; with `RPCD_LOG_FORMAT=json` a JSON object whose members are
/// `ts`, `level`, `msg`, `pid` and the metadata.
public struct LogLine: Sendable, CustomStringConvertible {
    /// The line as written, without its newline.
    public let text: String
    /// The members of the JSON object, scalars as their text (`"pid": 12` gives `"12"`); empty
    /// when the line is not a JSON object.
    public let fields: [String: String]

    /// Parses a line.
    public init(_ text: String) {
        self.text = text
        self.fields = Self.parse(text)
    }

    /// Whether the line is a JSON object.
    public var isJSON: Bool { !self.fields.isEmpty }

    /// The `msg` member.
    public var message: String? { self.fields["msg"] }

    /// The `level` member.
    public var level: String? { self.fields["level"] }

    /// A member by name.
    public subscript(_ key: String) -> String? { self.fields[key] }

    public var description: String { self.text }

    private static func parse(_ text: String) -> [String: String] {
        guard text.hasPrefix("{"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else {
            return [:]
        }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: fields[key] = string
            case let number as NSNumber: fields[key] = number.stringValue
            case is NSNull: fields[key] = "null"
            default:
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                    fields[key] = String(decoding: data, as: UTF8.self)
                }
            }
        }
        return fields
    }
}
