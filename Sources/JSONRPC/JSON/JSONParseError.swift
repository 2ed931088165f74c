/// Why a byte sequence is not acceptable JSON, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The input is empty or only whitespace.
        public static let emptyInput = Code("emptyInput")
        /// A structural error: an unexpected character, a missing separator, a trailing comma, ...
        public static let invalidSyntax = Code("invalidSyntax")
        /// The input ended in the middle of a value.
        public static let unexpectedEnd = Code("unexpectedEnd")
        /// A malformed number, such as `01`, `1.` or `-`.
        public static let invalidNumber = Code("invalidNumber")
        /// A malformed string: a bad escape, a raw control character or a lone surrogate escape.
        public static let invalidString = Code("invalidString")
        /// Bytes that are not well-formed UTF-8 (overlong forms, encoded surrogates, beyond U+10FFFF, ...).
        public static let invalidUTF8 = Code("invalidUTF8")
        /// Something other than whitespace follows the top-level value.
        public static let trailingData = Code("trailingData")
        /// Arrays and objects are nested deeper than the maximum depth. The input is otherwise valid JSON.
        public static let depthLimitExceeded = Code("depthLimitExceeded")
        // Internal to the dispatcher: a batch longer than the limit. The input is otherwise valid JSON.
        static let batchLimitExceeded = Code("batchLimitExceeded")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation, e.g. `"unexpected character ','"`.
    public var message: String
    /// The byte offset in the input where the problem was found.
    public var offset: Int

    /// Creates a parse error.
    public init(code: Code, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// The message followed by the byte offset, e.g. `"unexpected character ',' at byte 12"`.
    public var description: String {
        "\(message) at byte \(offset)"
    }
}
