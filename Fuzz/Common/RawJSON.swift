/// Byte ranges inside a JSON text that the project's parser has already accepted, so that a harness
/// can compare raw spellings (an `id` echoed byte for byte) without trusting the code under test.
///
/// It assumes well-formed input and does not validate anything itself.
struct RawJSON {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The first non-whitespace position at or after `position`.
    func skipWhitespace(_ position: Int) -> Int {
        var index = position
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// Where the top-level value starts.
    var start: Int { skipWhitespace(0) }

    /// The position just past the value starting at `position`.
    func valueEnd(_ position: Int) -> Int {
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return stringEnd(position)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = position
            while true {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = stringEnd(index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
        default:
            var index = position
            while index < bytes.count, !Array(",]} \t\r\n".utf8).contains(bytes[index]) { index += 1 }
            return index
        }
    }

    private func stringEnd(_ position: Int) -> Int {
        var index = position + 1
        while bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return index + 1
    }

    /// The members of the object starting at `position`: raw key (with its quotes) and raw value.
    func members(ofObjectAt position: Int) -> [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] {
        var result: [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
        var index = skipWhitespace(position + 1)
        guard bytes[index] != UInt8(ascii: "}") else { return result }
        while true {
            let keyEnd = valueEnd(index)
            let valueStart = skipWhitespace(skipWhitespace(keyEnd) + 1)
            let end = valueEnd(valueStart)
            result.append((bytes[index..<keyEnd], bytes[valueStart..<end]))
            index = skipWhitespace(end)
            guard bytes[index] == UInt8(ascii: ",") else { return result }
            index = skipWhitespace(index + 1)
        }
    }

    /// The raw elements of the array starting at `position`.
    func elements(ofArrayAt position: Int) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = skipWhitespace(position + 1)
        guard bytes[index] != UInt8(ascii: "]") else { return result }
        while true {
            let end = valueEnd(index)
            result.append(bytes[index..<end])
            index = skipWhitespace(end)
            guard bytes[index] == UInt8(ascii: ",") else { return result }
            index = skipWhitespace(index + 1)
        }
    }
}
