/// One request as read from a message, before it runs.
struct ParsedCall {
    /// The request id as it appeared in the message.
    enum ID {
        /// No `id` member: a notification.
        case absent
        /// `"id": null`, or an id that must be answered as null.
        case null
        /// A string (with its quotes) or number token, at these byte offsets of the message.
        case token(start: Int, end: Int)
    }

    var id: ID
    var method: String
    var params: Params
    /// Set when the request is invalid; it is then answered with this error whatever its id.
    var error: JSONRPCError?
    /// The bytes of this call's JSON value within a batch (for the observer); 0 for a single call.
    var byteCount = 0

    var isNotification: Bool {
        if case .absent = id { return true }
        return false
    }
}
