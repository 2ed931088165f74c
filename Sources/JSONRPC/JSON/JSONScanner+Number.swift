extension JSONScanner {
    /// Scans a number token at `index`, leaving `index` just after it.
    mutating func scanNumber() throws(JSONParseError) {
        let start = index
        if byte(index) == UInt8(ascii: "-") { index += 1 }
        guard index < end else { throw failure(.invalidNumber, "incomplete number", at: start) }
        let first = byte(index)
        if first == UInt8(ascii: "0") {
            index += 1
            if index < end && isDigit(byte(index)) {
                throw failure(.invalidNumber, "leading zeros are not allowed", at: start)
            }
        } else if isDigit(first) {
            index += 1
            skipDigits()
        } else {
            throw failure(.invalidNumber, "a minus sign must be followed by a digit", at: start)
        }
        if index < end && byte(index) == UInt8(ascii: ".") {
            index += 1
            guard index < end && isDigit(byte(index)) else {
                throw failure(.invalidNumber, "a decimal point must be followed by a digit", at: start)
            }
            skipDigits()
        }
        if index < end && (byte(index) | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < end && (byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < end && isDigit(byte(index)) else {
                throw failure(.invalidNumber, "an exponent must have digits", at: start)
            }
            skipDigits()
        }
    }

    @inline(__always)
    func isDigit(_ value: UInt8) -> Bool {
        value &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    mutating func skipDigits() {
        while index < end && isDigit(byte(index)) { index += 1 }
    }

    /// The end of the number token starting at `start`, or `nil` if none starts there.
    static func numberTokenEnd(_ base: UnsafeRawPointer, start: Int, end: Int) -> Int? {
        var scanner = JSONScanner(UnsafeRawBufferPointer(start: base, count: end), maxDepth: 0)
        scanner.index = start
        guard start < end, (try? scanner.scanNumber()) != nil else { return nil }
        return scanner.index
    }
}
