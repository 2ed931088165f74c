extension JSONScanner {
    /// The outcome of ``validateDocument()``.
    struct Validation {
        /// The first syntax error, if the input is not valid JSON.
        var syntaxError: JSONParseError?
        /// Whether containers nest deeper than `maxDepth` (only meaningful when there is no syntax error).
        var exceedsDepth: Bool
    }

    /// Checks the whole input from the start without building values and without recursion.
    ///
    /// The recursive parser stops at the depth limit; this iterative pass then decides whether the input is
    /// invalid JSON after all (a parse error wins) or valid but too deep. Its explicit stack grows with the
    /// input's nesting, never the thread's stack.
    mutating func validateDocument() -> Validation {
        index = 0
        var stack: [UInt8] = []
        var exceedsDepth = false
        do throws(JSONParseError) {
            skipWhitespace()
            guard index < end else {
                throw failure(.emptyInput, "no JSON value", at: index)
            }
            valueLoop: while true {
                // Expecting a value at `index` (whitespace skipped).
                guard index < end else { throw unexpected(at: index, expecting: "a value") }
                switch byte(index) {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let opener = byte(index)
                    stack.append(opener)
                    if stack.count > maxDepth { exceedsDepth = true }
                    index += 1
                    skipWhitespace()
                    let closer = opener == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if index < end && byte(index) == closer {
                        index += 1
                        stack.removeLast()
                    } else {
                        if opener == UInt8(ascii: "{") { _ = try scanKey() }
                        continue valueLoop
                    }
                case UInt8(ascii: "\""):
                    _ = try scanString()
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    try scanNumber()
                case UInt8(ascii: "t"):
                    try scanLiteral("true")
                case UInt8(ascii: "f"):
                    try scanLiteral("false")
                case UInt8(ascii: "n"):
                    try scanLiteral("null")
                default:
                    throw unexpected(at: index, expecting: "a value")
                }
                // After a complete value: close containers or move on to the next element.
                while true {
                    skipWhitespace()
                    guard let top = stack.last else {
                        guard index == end else {
                            throw failure(.trailingData, "unexpected data after the JSON value", at: index)
                        }
                        return Validation(syntaxError: nil, exceedsDepth: exceedsDepth)
                    }
                    let isObject = top == UInt8(ascii: "{")
                    guard index < end else {
                        throw unexpected(at: index, expecting: isObject ? "',' or '}'" : "',' or ']'")
                    }
                    let next = byte(index)
                    if next == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace()
                        if isObject { _ = try scanKey() }
                        continue valueLoop
                    } else if next == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        index += 1
                        stack.removeLast()
                    } else {
                        throw unexpected(at: index, expecting: isObject ? "',' or '}'" : "',' or ']'")
                    }
                }
            }
        } catch {
            return Validation(syntaxError: error, exceedsDepth: exceedsDepth)
        }
    }
}
