/// Why the master could not learn a backend's method names (DESIGN §10): it did not start, did not
/// answer `rpc.discover` within `START_TIMEOUT`, or answered something else.
package struct BackendProbeError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    package struct Code: Sendable, Hashable {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The program could not be spawned.
        package static let cannotStart = Code("cannotStart")
        /// No answer within `START_TIMEOUT`, or stdout ended first.
        package static let noAnswer = Code("noAnswer")
        /// The answer was not a `rpc.discover` result with a `methods` array.
        package static let invalidAnswer = Code("invalidAnswer")
    }

    /// What went wrong.
    package var code: Code
    /// The backend's name.
    package var backend: String
    /// The details: the errno, the timeout, what the answer was.
    package var detail: String

    /// Creates the error.
    package init(code: Code, backend: String, detail: String) {
        (self.code, self.backend, self.detail) = (code, backend, detail)
    }

    package var description: String {
        "backend '\(self.backend)': cannot learn its methods: \(self.detail)"
    }
}
