import Foundation

/// Splits the text of a JSON array into its elements' exact text, without re-serialising them,
/// so that batch responses (whose order is free) can be compared element by element.
public enum JSONArrayText {
    /// The elements of the array `text`, each exactly as written.
    /// - Throws: ``TestSupportError/Code/protocolViolation`` when `text` is not a JSON array.
    public static func elements(of text: String) throws -> [String] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let array = parsed as? [Any], text.hasPrefix("["), text.hasSuffix("]") else {
            throw TestSupportError(.protocolViolation, "not a JSON array: \(text)")
        }
        var elements: [String] = []
        var depth = 0
        var inString = false
        var escaped = false
        var current = ""
        for character in text.dropFirst().dropLast() {
            if inString {
                current.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case "," where depth == 0:
                elements.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        if !current.isEmpty {
            elements.append(current)
        }
        guard elements.count == array.count else {
            throw TestSupportError(.protocolViolation, "could not split \(text)")
        }
        return elements
    }
}
