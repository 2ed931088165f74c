/// The subject common name (OID 2.5.4.3) of an X.509 certificate, read from its DER bytes.
///
/// A strict, small DER reader for exactly the path to the subject: `Certificate ::= SEQUENCE {
/// tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
/// subject, … }, … }`. Lengths must be definite and minimal, every element must fit inside its
/// parent; the name must be a UTF8String, PrintableString or IA5String. The mutual-TLS credential
/// of a connection is this name, so anything unusual is refused rather than guessed at.
package enum CertificateSubject {
    /// Why a certificate's subject CN could not be read.
    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, for the log.
        package var description: String
    }

    private static let commonNameOID: [UInt8] = [0x55, 0x04, 0x03]

    /// The subject's common name, or nil when the subject has none.
    /// - Throws: `Problem` for malformed DER, two common names, or a name that is not text.
    package static func commonName(der: [UInt8]) throws(Problem) -> String? {
        var certificate = DERReader(der[...])
        var outer = DERReader(try certificate.element(tag: 0x30, "certificate").contents)
        var fields = DERReader(try outer.element(tag: 0x30, "tbsCertificate").contents)
        if fields.peekTag == 0xA0 {
            _ = try fields.element(tag: 0xA0, "version")
        }
        _ = try fields.element(tag: 0x02, "serialNumber")
        _ = try fields.element(tag: 0x30, "signature")
        _ = try fields.element(tag: 0x30, "issuer")
        _ = try fields.element(tag: 0x30, "validity")
        var subject = DERReader(try fields.element(tag: 0x30, "subject").contents)
        var found: String?
        while !subject.isAtEnd {
            var names = DERReader(try subject.element(tag: 0x31, "relative distinguished name").contents)
            while !names.isAtEnd {
                var attribute = DERReader(try names.element(tag: 0x30, "attribute").contents)
                let type = try attribute.element(tag: 0x06, "attribute type").contents
                let value = try attribute.anyElement("attribute value")
                guard attribute.isAtEnd else { throw Problem(description: "trailing bytes in a subject attribute") }
                guard type.elementsEqual(Self.commonNameOID) else { continue }
                guard found == nil else { throw Problem(description: "the subject has more than one common name") }
                found = try Self.text(tag: value.tag, value.contents)
            }
        }
        return found
    }

    private static func text(tag: UInt8, _ bytes: ArraySlice<UInt8>) throws(Problem) -> String {
        switch tag {
        case 0x0C:  // UTF8String
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Problem(description: "the common name is not valid UTF-8")
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw Problem(description: "the common name contains control characters")
            }
            return text
        case 0x13, 0x16:  // PrintableString, IA5String: ASCII
            guard bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) else {
                throw Problem(description: "the common name contains bytes outside printable ASCII")
            }
            return String(decoding: bytes, as: UTF8.self)
        default:
            throw Problem(description: "the common name has an unsupported string type (tag \(tag))")
        }
    }
}

/// Reads DER elements (single-byte tags, definite minimal lengths) from a byte slice, in order.
private struct DERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { self.bytes.isEmpty }
    var peekTag: UInt8? { self.bytes.first }

    /// The next element, whose tag must be `tag`.
    mutating func element(
        tag: UInt8,
        _ what: String
    ) throws(CertificateSubject.Problem) -> (tag: UInt8, contents: ArraySlice<UInt8>) {
        guard self.peekTag == tag else {
            throw CertificateSubject.Problem(description: "malformed certificate: expected the \(what)")
        }
        return try self.anyElement(what)
    }

    mutating func anyElement(
        _ what: String
    ) throws(CertificateSubject.Problem) -> (tag: UInt8, contents: ArraySlice<UInt8>) {
        func fail(_ problem: String) -> CertificateSubject.Problem {
            CertificateSubject.Problem(description: "malformed certificate: \(what): \(problem)")
        }
        guard let tag = self.bytes.popFirst() else { throw fail("missing") }
        // Multi-byte tags (low bits 11111) appear nowhere on the path to the subject.
        guard tag & 0x1F != 0x1F else { throw fail("unsupported tag") }
        guard let first = self.bytes.popFirst() else { throw fail("no length") }
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard (1...4).contains(count), self.bytes.count >= count else { throw fail("bad length") }
            for _ in 0..<count {
                length = length << 8 | Int(self.bytes.removeFirst())
            }
            // DER: the shortest form, no leading zero byte.
            guard length >= 0x80, length >= 1 << (8 * (count - 1)) else { throw fail("length not minimal") }
        }
        guard self.bytes.count >= length else { throw fail("truncated") }
        let contents = self.bytes.prefix(length)
        self.bytes = self.bytes.dropFirst(length)
        return (tag, contents)
    }
}
