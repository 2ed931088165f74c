extension JSONScanner {
    /// Builds the `String` for a scanned token, decoding escapes.
    func decodeString(_ token: StringToken) -> String {
        guard token.hasEscapes else { return makeString(from: token.start, to: token.end) }
        // Every escape is at least as long as what it decodes to, so the raw length is enough capacity.
        return String(unsafeUninitializedCapacity: token.end - token.start) { output in
            var read = token.start
            var written = 0
            while read < token.end {
                let value = byte(read)
                guard value == UInt8(ascii: "\\") else {
                    output[written] = value
                    written += 1
                    read += 1
                    continue
                }
                let kind = byte(read + 1)
                read += 2
                let simple: UInt8
                switch kind {
                case UInt8(ascii: "b"): simple = 0x08
                case UInt8(ascii: "f"): simple = 0x0C
                case UInt8(ascii: "n"): simple = 0x0A
                case UInt8(ascii: "r"): simple = 0x0D
                case UInt8(ascii: "t"): simple = 0x09
                case UInt8(ascii: "u"):
                    // Already validated by scanString, so the digits and surrogate pairing are well-formed.
                    var scalar = (try? hexQuad(at: read)) ?? 0xFFFD
                    read += 4
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        let low = (try? hexQuad(at: read + 2)) ?? 0xDC00
                        read += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    written += JSONScanner.encodeUTF8(scalar, into: output, at: written)
                    continue
                default: simple = kind  // '"', '\\' and '/' stand for themselves
                }
                output[written] = simple
                written += 1
            }
            return written
        }
    }

    private static func encodeUTF8(
        _ scalar: UInt32,
        into output: UnsafeMutableBufferPointer<UInt8>,
        at position: Int
    )
        -> Int
    {
        if scalar < 0x80 {
            output[position] = UInt8(scalar)
            return 1
        } else if scalar < 0x800 {
            output[position] = UInt8(0xC0 | (scalar >> 6))
            output[position + 1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        } else if scalar < 0x10000 {
            output[position] = UInt8(0xE0 | (scalar >> 12))
            output[position + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[position + 2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        } else {
            output[position] = UInt8(0xF0 | (scalar >> 18))
            output[position + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            output[position + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[position + 3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }

    /// Copies already-validated UTF-8 bytes into a `String` (small ones are stored inline, without allocating).
    func makeString(from start: Int, to stop: Int) -> String {
        let count = stop - start
        return String(unsafeUninitializedCapacity: count) { output in
            UnsafeMutableRawBufferPointer(output).copyMemory(
                from: UnsafeRawBufferPointer(start: base + start, count: count)
            )
            return count
        }
    }

    /// Whether the raw bytes of `token` are exactly `literal` (for matching keys without building a `String`).
    func tokenEquals(_ token: StringToken, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard token.end - token.start == count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where byte(token.start + offset) != start[offset] {
            return false
        }
        return true
    }
}
