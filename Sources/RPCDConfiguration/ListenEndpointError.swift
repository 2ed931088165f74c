/// Why an `RPCD_LISTEN` value or endpoint was refused.
///
/// The error of `ListenEndpoint.parse(_:)` and `ListenEndpoint.parseList(_:)`, and of nothing else.
package struct ListenEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The text matches none of the endpoint forms.
        package static let invalidSyntax = Code("invalidSyntax")
        /// The host is not a name, an IPv4 address or a bracketed IPv6 address.
        package static let invalidHost = Code("invalidHost")
        /// The port is missing or outside 0...65535.
        package static let invalidPort = Code("invalidPort")
        /// An unknown, repeated or invalid `?option=value`.
        package static let invalidOption = Code("invalidOption")
        /// The list, or one entry of it, is empty.
        package static let empty = Code("empty")
        /// Two endpoints would bind the same address.
        package static let duplicate = Code("duplicate")

        package var description: String { self.name }
    }

    /// The kind of problem.
    package var code: Code
    /// A message for the operator, quoting the offending text.
    package var message: String

    /// Creates an error.
    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { self.message }
}
