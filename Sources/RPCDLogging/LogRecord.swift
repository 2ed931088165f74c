internal import Logging

/// One log record, ready to be rendered as a line.
struct LogRecord {
    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-21T21:57:13.123Z`.
    var timestamp: String
    var level: Logger.Level
    /// The logger's label, e.g. `rpcd`.
    var label: String
    var message: String
    /// Handler, provider and call-site metadata, already merged.
    var metadata: Logger.Metadata
    var pid: Int32
    /// The worker number when logging from a worker process.
    var worker: Int?
    /// The call site, for the journal's `CODE_FILE`, `CODE_LINE` and `CODE_FUNC`.
    var file: String = ""
    var function: String = ""
    var line: UInt = 0

    /// The line in `format`, ending in a newline.
    func line(_ format: LogFormat) -> String {
        switch format {
        case .text:
            return "\(self.timestamp) \(self.level.rawValue) \(self.syslogMessage)\n"
        case .json:
            return self.jsonLine
        }
    }

    /// The text line without timestamp and level, which syslog records itself:
    /// `rpcd [worker 2]: message key=value`.
    var syslogMessage: String {
        var text = self.label
        if let worker = self.worker {
            text += " [worker \(worker)]"
        }
        text += ": "
        // One record is one line: control characters in the message are escaped.
        Self.appendEscapingControls(self.message, to: &text)
        for key in self.metadata.keys.sorted() {
            text += " \(key)="
            Self.appendTextValue(self.metadata[key]!, to: &text)
        }
        return text
    }

    /// A metadata value as a journal field's value: strings as they are (newlines included),
    /// arrays and dictionaries as compact JSON.
    static func plainValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string):
            return string
        case .stringConvertible(let convertible):
            return convertible.description
        case .array, .dictionary:
            var text = ""
            Self.appendJSONValue(value, to: &text)
            return text
        }
    }

    /// A metadata value in text form: a string bare when it is plain, else double-quoted with
    /// escapes; arrays and dictionaries as compact JSON.
    private static func appendTextValue(_ value: Logger.MetadataValue, to text: inout String) {
        let rendered: String
        switch value {
        case .string(let string):
            rendered = string
        case .stringConvertible(let convertible):
            rendered = convertible.description
        case .array, .dictionary:
            Self.appendJSONValue(value, to: &text)
            return
        }
        let needsQuotes =
            rendered.isEmpty
            || rendered.unicodeScalars.contains {
                $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
            }
        guard needsQuotes else {
            text += rendered
            return
        }
        text += "\""
        for scalar in rendered.unicodeScalars {
            switch scalar {
            case "\"":
                text += "\\\""
            case "\\":
                text += "\\\\"
            default:
                Self.appendEscapingControls(scalar, to: &text)
            }
        }
        text += "\""
    }

    private static func appendEscapingControls(_ string: String, to text: inout String) {
        for scalar in string.unicodeScalars {
            Self.appendEscapingControls(scalar, to: &text)
        }
    }

    private static func appendEscapingControls(_ scalar: Unicode.Scalar, to text: inout String) {
        switch scalar {
        case "\n":
            text += "\\n"
        case "\r":
            text += "\\r"
        case "\t":
            text += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
    }
}
