/// A per-connection gate the dispatcher consults before it runs a call (e.g. "present the token first").
///
/// The transport sets one in ``RequestContext/admission``; the protocol core holds no policy of its own.
/// Admissions are objects: one serves every call of a connection and may keep state across them (failed
/// attempts), and a class reference keeps the context cheap to copy on the hot path.
public protocol CallAdmission: AnyObject, Sendable {
    /// The error to answer instead of running `method`, or `nil` to run it.
    ///
    /// Asked on the dispatching thread for every call of a message, before the method is looked up: a
    /// refused call is answered with the error (a notification is not answered) and counted as a failed
    /// call, whether `method` exists or not. `rpc.discover` also asks it for every method it lists, and
    /// leaves out the refused ones.
    func refusal(of method: String) -> JSONRPCError?
}
