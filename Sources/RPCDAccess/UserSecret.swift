internal import Crypto

/// bitcoind's rpcauth form of a stored secret: `SALT$HMAC`, the HMAC-SHA256 of the secret keyed
/// by the salt's UTF-8 bytes, in lowercase hex. The secret itself is never stored.
package struct UserSecret: Sendable, Hashable {
    /// The salt, as written in the file (its UTF-8 bytes are the HMAC key).
    package var salt: String
    /// The 32 bytes of the HMAC.
    package var hmac: [UInt8]

    /// A stored secret.
    package init(salt: String, hmac: [UInt8]) {
        self.salt = salt
        self.hmac = hmac
    }

    /// The stored form of `secret` under `salt`.
    package init(salt: String, secret: String) {
        self.init(salt: salt, hmac: Self.code(secret, salt: salt))
    }

    /// `SALT$HMAC`, as a users-file line holds it.
    package var stored: String { "\(self.salt)$\(Self.hex(self.hmac))" }

    /// Whether `presented` is the secret: its HMAC is compared with the stored one in constant
    /// time (the comparison does not stop at the first differing byte).
    package func verifies(_ presented: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            self.hmac,
            authenticating: Array(presented.utf8),
            using: SymmetricKey(data: Array(self.salt.utf8))
        )
    }

    /// A new random salt and secret (swift-crypto's generator, `SymmetricKey(size:)`, which reads
    /// the kernel's CSPRNG): 16 bytes of salt and 32 of secret, both as lowercase hex.
    package static func generate() -> (secret: String, stored: UserSecret) {
        let salt = Self.randomHex(bytes: 16)
        let secret = Self.randomHex(bytes: 32)
        return (secret, UserSecret(salt: salt, secret: secret))
    }

    static func code(_ secret: String, salt: String) -> [UInt8] {
        let key = SymmetricKey(data: Array(salt.utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key))
    }

    private static func randomHex(bytes: Int) -> String {
        SymmetricKey(size: SymmetricKeySize(bitCount: bytes * 8)).withUnsafeBytes { Self.hex(Array($0)) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of exactly 64 lowercase hex digits, else nil.
    static func hmacBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
