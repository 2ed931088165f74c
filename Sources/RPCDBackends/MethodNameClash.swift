/// A method name defined twice (built-in, exec method, backend): a configuration error naming
/// both definitions. Exit 2 at start; a refused reload later (DESIGN §10).
package struct MethodNameClash: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// Two definitions of one method name.
        package static let duplicateMethod = Code("duplicateMethod")
    }

    /// Always `duplicateMethod`.
    package var code = Code.duplicateMethod
    /// The method name.
    package var name: String
    /// The first definition, e.g. `built-in method`.
    package var first: String
    /// The second definition, e.g. `exec method /etc/rpcd/methods.d/echo`.
    package var second: String

    /// Creates the error.
    package init(name: String, first: String, second: String) {
        self.name = name
        self.first = first
        self.second = second
    }

    package var description: String {
        "method '\(self.name)' is defined twice: \(self.first) and \(self.second)"
    }
}
