internal import Logging

extension LogRecord {
    /// The keys rpcd itself writes; metadata with one of these names is written as `meta.NAME`.
    static let reservedJSONKeys: Set<String> = ["ts", "level", "msg", "pid", "worker", "logger"]

    /// One JSON object and a newline: `ts`, `level`, `msg`, `pid`, `worker` (in a worker),
    /// `logger`, then the metadata sorted by key.
    var jsonLine: String {
        var json = "{\"ts\":"
        Self.appendJSONString(self.timestamp, to: &json)
        json += ",\"level\":"
        Self.appendJSONString(self.level.rawValue, to: &json)
        json += ",\"msg\":"
        Self.appendJSONString(self.message, to: &json)
        json += ",\"pid\":\(self.pid)"
        if let worker = self.worker {
            json += ",\"worker\":\(worker)"
        }
        json += ",\"logger\":"
        Self.appendJSONString(self.label, to: &json)
        for key in self.metadata.keys.sorted() {
            json += ","
            Self.appendJSONString(Self.reservedJSONKeys.contains(key) ? "meta.\(key)" : key, to: &json)
            json += ":"
            Self.appendJSONValue(self.metadata[key]!, to: &json)
        }
        json += "}\n"
        return json
    }

    /// A metadata value as JSON: strings as strings, arrays and dictionaries (sorted) as such.
    static func appendJSONValue(_ value: Logger.MetadataValue, to json: inout String) {
        switch value {
        case .string(let string):
            Self.appendJSONString(string, to: &json)
        case .stringConvertible(let convertible):
            Self.appendJSONString(convertible.description, to: &json)
        case .array(let elements):
            json += "["
            for (index, element) in elements.enumerated() {
                if index > 0 {
                    json += ","
                }
                Self.appendJSONValue(element, to: &json)
            }
            json += "]"
        case .dictionary(let dictionary):
            json += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 {
                    json += ","
                }
                Self.appendJSONString(key, to: &json)
                json += ":"
                Self.appendJSONValue(dictionary[key]!, to: &json)
            }
            json += "}"
        }
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped,
    /// everything else as UTF-8.
    static func appendJSONString(_ string: String, to json: inout String) {
        json += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"":
                json += "\\\""
            case "\\":
                json += "\\\\"
            case "\n":
                json += "\\n"
            case "\r":
                json += "\\r"
            case "\t":
                json += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    json.unicodeScalars.append(scalar)
                }
            }
        }
        json += "\""
    }
}
