import JSONRPC

/// An independent reading of one request object (already accepted by `JSONParser`): what the
/// dispatcher must do with it, judged conservatively from the JSON-RPC 2.0 specification.
struct RequestModel {
    /// The raw spellings of every `id` member.
    var rawIDs: [ArraySlice<UInt8>] = []
    /// A well-formed call: `jsonrpc` "2.0", a string `method`, structured or absent `params`, a
    /// string, number or null `id`, no other or repeated members. Nil when not that.
    var callID: ArraySlice<UInt8>?
    /// Well-formed in the same sense but without an `id`: must get no reply.
    var isNotification = false
    var method: String?
    var params: JSONValue?

    init(raw: RawJSON, at position: Int, value: JSONValue) {
        guard case .object(let object) = value, raw.bytes[position] == UInt8(ascii: "{") else { return }
        var names: [String] = []
        var rawID: ArraySlice<UInt8>?
        for member in raw.members(ofObjectAt: position) {
            guard case .string(let name) = try? ReplyCheck.parser.parse(Array(member.key)) else {
                FuzzCheck.fail("the harness misread a key: \(FuzzCheck.show(member.key))")
            }
            names.append(name)
            if name == "id" {
                rawIDs.append(member.value)
                rawID = member.value
            }
        }
        guard Set(names).count == names.count, Set(names).isSubset(of: ["jsonrpc", "method", "params", "id"]),
            object["jsonrpc"] == .string("2.0"), case .string(let method)? = object["method"]
        else { return }
        switch object["params"] {
        case nil, .array?, .object?: break
        default: return
        }
        self.method = method
        self.params = object["params"]
        switch object["id"] {
        case nil:
            isNotification = true
        case .string?, .number?, .null?:
            callID = rawID
        default:
            return
        }
    }
}
