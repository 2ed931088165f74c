/// Byte comparisons for header values, so that a request's headers are matched without building
/// lower-cased `String`s per request.
enum ASCIIBytes {
    /// The byte in lower case, for ASCII letters; any other byte as it is.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// Whether `text` equals `lowercase` (already in lower case) ignoring ASCII case.
    static func equalsIgnoringCase(_ text: some Collection<UInt8>, _ lowercase: some Collection<UInt8>) -> Bool {
        text.count == lowercase.count && text.lazy.map(Self.lowercased).elementsEqual(lowercase)
    }

    /// `text` without the spaces and tabs around it.
    static func trimmed(_ text: Substring.UTF8View) -> Substring.UTF8View {
        var text = text
        while let first = text.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            text = text.dropFirst()
        }
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            text = text.dropLast()
        }
        return text
    }
}
