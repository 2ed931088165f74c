/// The bearer token of `RPCD_AUTH_TOKEN_FILE`: the file's contents without surrounding whitespace.
package struct BearerToken: Sendable, Hashable {
    /// The largest token file taken (64 KiB); a larger one is refused rather than cut short.
    package static let maximumFileSize = 65_536

    /// The token's bytes, as a client must present them.
    package var bytes: [UInt8]

    /// Takes the token from the contents of a token file, dropping the whitespace around it (an editor's
    /// final newline).
    /// - Throws: `BearerTokenError` with `.empty` when only whitespace is left, `.tooLarge` when the
    ///   contents are over ``maximumFileSize``.
    package init(fileContents: [UInt8]) throws(BearerTokenError) {
        guard fileContents.count <= Self.maximumFileSize else {
            throw BearerTokenError(.tooLarge, "is larger than \(Self.maximumFileSize) bytes")
        }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = fileContents.firstIndex(where: { !isBlank($0) }),
            let last = fileContents.lastIndex(where: { !isBlank($0) })
        else {
            throw BearerTokenError(.empty, "is empty")
        }
        self.bytes = Array(fileContents[first...last])
    }
}
