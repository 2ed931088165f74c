internal import JSONRPC
internal import NIOCore

/// A message with no JSON text in it (empty, or only whitespace), and what it means on each
/// transport (DESIGN §9). This is the one place that decides it; the handlers ask before they
/// dispatch.
enum BlankMessage {
    /// How the message was delimited.
    enum Delimiter: Sendable {
        /// An NDJSON line: a blank one is a no-op, ignored.
        case newline
        /// A length-prefixed frame: a message, and an empty one is -32700 (the frame boundaries
        /// are intact, so the connection stays open).
        case lengthPrefix
        /// An HTTP request body: it must hold a JSON text, so an empty one gets 200 with -32700.
        case httpBody
    }

    /// What `message` gets if it is blank; nil when it holds something to dispatch.
    static func outcome(of message: ByteBuffer?, delimitedBy delimiter: Delimiter) -> DispatchOutcome? {
        if let message, message.readableBytesView.contains(where: { !Self.isWhitespace($0) }) {
            return nil
        }
        switch delimiter {
        case .newline:
            return .noReply
        case .lengthPrefix:
            return .reply(Dispatcher.errorResponse(.parseError("empty message")))
        case .httpBody:
            return .reply(Dispatcher.errorResponse(.parseError("empty request body")))
        }
    }

    /// JSON's insignificant whitespace.
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }
}
