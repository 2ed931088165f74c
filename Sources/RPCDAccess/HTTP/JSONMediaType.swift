/// The `Content-Type`s a JSON-RPC POST may carry (DESIGN §11): `application/json`,
/// `application/json-rpc` or `application/jsonrequest`, in any case, with no parameter or
/// `charset=utf-8`.
///
/// Browsers send the form and text types (`application/x-www-form-urlencoded`,
/// `multipart/form-data`, `text/plain`) cross-origin without asking first; only a type they
/// must preflight keeps a foreign page from calling methods.
package enum JSONMediaType {
    private static let accepted = ["application/json", "application/json-rpc", "application/jsonrequest"]

    /// Whether `contentType`, a `Content-Type` header's value, is one of the JSON types.
    package static func admits(_ contentType: String) -> Bool {
        if contentType == "application/json" {
            return true
        }
        let text = Substring(contentType).utf8
        let semicolon = text.firstIndex(of: UInt8(ascii: ";"))
        let mediaType = ASCIIBytes.trimmed(text[..<(semicolon ?? text.endIndex)])
        guard Self.accepted.contains(where: { ASCIIBytes.equalsIgnoringCase(mediaType, $0.utf8) }) else {
            return false
        }
        guard let semicolon else {
            return true
        }
        let parameter = ASCIIBytes.trimmed(text[text.index(after: semicolon)...])
        return ASCIIBytes.equalsIgnoringCase(parameter, "charset=utf-8".utf8)
            || ASCIIBytes.equalsIgnoringCase(parameter, "charset=\"utf-8\"".utf8)
    }
}
