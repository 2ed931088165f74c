/// The user and password of an HTTP `Authorization: Basic` credential (RFC 7617): the base64 of
/// `user:password`, the password being everything after the first colon.
package struct BasicCredentials: Sendable, Hashable {
    /// The user's name.
    package var user: String
    /// The password.
    package var password: String

    /// Decodes the credential after `Basic `; nil when it is not base64 of `user:password`.
    package init?(encoded: Substring) {
        guard let bytes = Self.decodeBase64(encoded), let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            return nil
        }
        self.user = String(decoding: bytes[..<colon], as: UTF8.self)
        self.password = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
    }

    /// Standard base64 with padding; nil for anything else.
    static func decodeBase64(_ text: Substring) -> [UInt8]? {
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let character = input[index + offset]
                let value: UInt32
                if character == UInt8(ascii: "=") {
                    // Padding only at the end of the last group.
                    guard index + 4 == input.count, offset >= 2 else { return nil }
                    padding += 1
                    value = 0
                } else {
                    guard padding == 0, let decoded = Self.sextet(character) else { return nil }
                    value = UInt32(decoded)
                }
                group = group << 6 | value
            }
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: group)) }
            index += 4
        }
        return output
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
